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
 * {@code Deployster-Signature: t=MILLIS,kid=KEY_ID,v2=HEX}, where {@code v2} is the lowercase hex
 * HMAC-SHA256, under the receiver key of signing key {@code KEY_ID} ({@link #receiverKey}), of the
 * UTF-8 bytes of {@code "deployster-callback-v2\n" + t + "\n"} followed by the body's bytes exactly as
 * sent. {@code t} is the sending time in epoch milliseconds, fresh for every attempt: a receiver refuses
 * a signature older than a few minutes, so a recorded request cannot be replayed later.
 *
 * <p>The receiver key is derived one way from the signing key: a receiver holding it can check
 * callbacks but can neither sign a job nor work back to the key that does (scheme v1 signed callbacks
 * with the job-signing key itself, which made every callback receiver able to forge jobs).
 */
public final class CallbackSignature {
    public static final String HEADER = "Deployster-Signature";
    /** How far a receiver should let {@code t} be from its own clock: the producers' allowed clock skew. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String PREFIX = "deployster-callback-v2\n";
    private static final String SCHEME = "v2";
    private static final byte[] RECEIVER_KEY_LABEL = "deployster callback receiver key".getBytes(StandardCharsets.US_ASCII);

    private CallbackSignature() {
    }

    /** The header's value for {@code body} sent at {@code millis}, signed with {@code key}'s receiver key. */
    public static String sign(SigningKey key, long millis, byte[] body) {
        return "t=" + millis + ",kid=" + key.id() + "," + SCHEME + "=" + mac(receiverKey(key), millis, body);
    }

    /**
     * The key a callback receiver checks signatures with: HMAC-SHA256 of the text "deployster callback
     * receiver key" under {@code key}'s secret, under the same id ({@code deployster callback-keys} prints it).
     */
    public static SigningKey receiverKey(SigningKey key) {
        return new SigningKey(key.id(), hmac(key.secret()).doFinal(RECEIVER_KEY_LABEL));
    }

    /** {@link #receiverKey} of each key of {@code signingKeys}, in their order. */
    public static KeyRing receiverKeys(KeyRing signingKeys) {
        return new KeyRing(signingKeys.all().stream().map(CallbackSignature::receiverKey).toList());
    }

    /**
     * What a receiver does: checks the header against {@code body} and its own clock.
     *
     * @param receiverKeys the receiver keys ({@link #receiverKeys}), never the signing keys
     * @throws IllegalArgumentException saying what is wrong: malformed, unknown key, bad MAC, too old or too far ahead
     */
    public static void verify(KeyRing receiverKeys, String header, byte[] body, long nowMillis, Duration tolerance) {
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
        if (!parts.keySet().containsAll(List.of("t", "kid", SCHEME))) {
            throw new IllegalArgumentException(HEADER + " '" + header + "' is not t=MILLIS,kid=KEY," + SCHEME + "=HEX");
        }
        SigningKey key = receiverKeys.find(parts.get("kid"));
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
        if (!MessageDigest.isEqual(expected, parts.get(SCHEME).getBytes(StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("bad signature: the body was changed, or signed with another secret for key '" + key.id() + "'");
        }
        if (Math.abs(nowMillis - t) > tolerance.toMillis()) {
            throw new IllegalArgumentException("signed at " + t + ", more than " + tolerance.toSeconds() + " s from now (" + nowMillis
                    + "): a replay, or a clock off");
        }
    }

    private static String mac(SigningKey receiverKey, long millis, byte[] body) {
        Mac mac = hmac(receiverKey.secret());
        mac.update((PREFIX + millis + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Mac hmac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
