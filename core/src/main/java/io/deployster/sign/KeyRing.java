package io.deployster.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing keys a producer or worker knows. Text form, one key per line or comma-separated:
 * {@code id:base64-secret}; '#' starts a comment. The first key signs; all of them verify, so a new
 * key can be added to workers before producers switch to it.
 */
public final class KeyRing {
    /** Environment variable holding keys in the text form. */
    public static final String ENV = "DEPLOYSTER_KEYS";
    /** Environment variable naming a file that holds keys in the text form. */
    public static final String ENV_FILE = "DEPLOYSTER_KEYS_FILE";

    private final Map<String, SigningKey> keys;

    public KeyRing(List<SigningKey> keys) {
        Map<String, SigningKey> byId = new LinkedHashMap<>();
        for (SigningKey k : keys) {
            if (byId.put(k.id(), k) != null) {
                throw new IllegalArgumentException("key id '" + k.id() + "' is given twice; each key needs its own id");
            }
        }
        this.keys = Map.copyOf(byId);
        this.order = List.copyOf(byId.keySet());
    }

    private final List<String> order;

    public static KeyRing empty() {
        return new KeyRing(List.of());
    }

    /** @throws IllegalArgumentException naming the entry that is wrong and the expected form */
    public static KeyRing parse(String text, String source) {
        List<SigningKey> keys = new ArrayList<>();
        for (String line : text.split("[\\n,]")) {
            String entry = line.replaceFirst("#.*", "").trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("key entry in " + source + " is not 'id:base64-secret' (an entry without ':')");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key '" + entry.substring(0, colon) + "' in " + source + " is not base64; generate one with: openssl rand -base64 32");
            }
            keys.add(new SigningKey(entry.substring(0, colon).trim(), secret));
        }
        return new KeyRing(keys);
    }

    /** Keys from --keys-file, else $DEPLOYSTER_KEYS_FILE, else $DEPLOYSTER_KEYS; empty when none is set. */
    public static KeyRing load(Path file, Map<String, String> env) throws IOException {
        Path path = file != null ? file : env.containsKey(ENV_FILE) ? Path.of(env.get(ENV_FILE)) : null;
        if (path != null) {
            return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        }
        String inline = env.get(ENV);
        return inline == null || inline.isBlank() ? empty() : parse(inline, "$" + ENV);
    }

    /** Every key, the signing one first, in the order given. */
    public List<SigningKey> all() {
        return order.stream().map(keys::get).toList();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The key that signs new jobs: the first one. */
    public SigningKey signingKey() {
        if (keys.isEmpty()) {
            throw new IllegalStateException("no signing key: set " + ENV + " or " + ENV_FILE);
        }
        return keys.get(order.get(0));
    }

    public SigningKey find(String id) {
        return id == null ? null : keys.get(id);
    }

    public List<String> ids() {
        return order;
    }
}
