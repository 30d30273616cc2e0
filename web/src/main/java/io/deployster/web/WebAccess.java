package io.deployster.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens that open the operations page, each with a role. Only SHA-256 hashes are kept; a
 * presented token is compared with every one in constant time.
 */
public final class WebAccess {
    /** A token that matched: its name (for logs) and role. */
    public record Viewer(String name, Role role, String csrf) {
        public boolean mayCancel() {
            return role == Role.OPERATE;
        }
    }

    private record Entry(String name, Role role, byte[] sha256) {
    }

    private final List<Entry> entries;

    private WebAccess(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @param tokens token text to role, e.g. from the demo, which makes its own */
    public static WebAccess of(Map<String, Role> tokens) {
        return new WebAccess(tokens.entrySet().stream().map(e -> new Entry(e.getValue().wireName(), e.getValue(), sha256(e.getKey())))
                .toList());
    }

    /**
     * Reads a file of lines {@code NAME ROLE SHA256-HEX} ({@code printf %s "$TOKEN" | sha256sum}); '#' starts a comment.
     *
     * @throws IllegalArgumentException naming the line, the field, the value and what is allowed
     */
    public static WebAccess load(Path file) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException(where + ": '" + line + "' is not allowed; use NAME ROLE SHA256-HEX");
            }
            if (!TokenHash.valid(f[2])) {
                throw new IllegalArgumentException(where + ": hash '" + f[2] + "' is not allowed; use " + TokenHash.RULE);
            }
            Role role;
            try {
                role = Role.fromWireName(f[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            entries.put(f[0], new Entry(f[0], role, HexFormat.of().parseHex(f[2])));
        }
        return new WebAccess(List.copyOf(entries.values()));
    }

    /** @return who the token belongs to, or null for a missing or unknown token */
    public Viewer check(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] hash = sha256(token);
        Entry found = null;
        for (Entry e : entries) {
            // no early exit: the time taken tells nothing about which entry matched
            if (MessageDigest.isEqual(hash, e.sha256())) {
                found = e;
            }
        }
        return found == null ? null : new Viewer(found.name(), found.role(), csrf(token));
    }

    /**
     * The CSRF token of a session: derived from its token, so every gateway on the same config agrees
     * without shared state, and a page of another origin, which cannot read the session token, cannot make it.
     */
    public static String csrf(String token) {
        return HexFormat.of().formatHex(sha256("deployster-csrf:" + token));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
