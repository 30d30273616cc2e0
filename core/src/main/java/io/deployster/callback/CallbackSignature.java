package io.deployster.callback;

import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC header of a callback (docs/workflows.md, "Callbacks"):
 * {@code Deployster-Signature: t=MILLIS,kid=KEY_ID,v1=HEX}, where {@code v1} is the lowercase hex
 * HMAC-SHA256, under the signing key {@code KEY_ID} (the secret producers sign jobs with), of the
 * UTF-8 bytes of {@code "deployster-callback-v1\n" + t + "\n"} followed by the body's bytes exactly as
 * sent. {@code t} is the sending time in epoch milliseconds, fresh for every attempt: a receiver refuses
 * a signature older than a few minutes, so a recorded request cannot be replayed later.
 */
public final class CallbackSignature {
    public static final String HEADER = "Deployster-Signature";
    /** How far a receiver should let {@code t} be from its own clock: the producers' allowed clock skew. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String PREFIX = "deployster-callback-v1\n";

    private CallbackSignature() {
    }

    /** The header's value for {@code body} sent at {@code millis}. */
    public static String sign(SigningKey key, long millis, byte[] body) {
        return "t=" + millis + ",kid=" + key.id() + ",v1=" + mac(key, millis, body);
    }

    /**
     * What a receiver does: checks the header against {@code body} and its own clock.
     *
     * @throws IllegalArgumentException saying what is wrong: malformed, unknown key, bad MAC, too old or too far ahead
     */
    public static void verify(KeyRing keys, String header, byte[] body, long nowMillis, Duration tolerance) {
        if (header == null) {
            throw new IllegalArgumentException("no " + HEADER + " header");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        if (!parts.keySet().containsAll(List.of("t", "kid", "v1"))) {
            throw new IllegalArgumentException(HEADER + " '" + header + "' is not t=MILLIS,kid=KEY,v1=HEX");
        }
        SigningKey key = keys.find(parts.get("kid"));
        if (key == null) {
            throw new IllegalArgumentException("signed with unknown key '" + parts.get("kid") + "'");
        }
        long t;
        try {
            t = Long.parseLong(parts.get("t"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("t='" + parts.get("t") + "' is not a number of milliseconds");
        }
        byte[] expected = mac(key, t, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts.get("v1").getBytes(StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("bad signature: the body was changed, or signed with another secret for key '" + key.id() + "'");
        }
        if (Math.abs(nowMillis - t) > tolerance.toMillis()) {
            throw new IllegalArgumentException("signed at " + t + ", more than " + tolerance.toSeconds() + " s from now (" + nowMillis
                    + "): a replay, or a clock off");
        }
    }

    private static String mac(SigningKey key, long millis, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            mac.update((PREFIX + millis + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
