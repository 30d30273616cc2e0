package io.deployster.sign;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import io.deployster.job.Durations;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs jobs on the producer side and verifies them on the worker side. */
public final class JobSigner {
    /** Clocks of producers and workers may disagree by this much. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final KeyRing keys;
    private final Clock clock;
    private final Duration maxAge;

    /** @param maxAge a job must start within this time of being signed */
    public JobSigner(KeyRing keys, Clock clock, Duration maxAge) {
        this.keys = keys;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    public KeyRing keys() {
        return keys;
    }

    public Duration maxAge() {
        return maxAge;
    }

    public JobSignature sign(String jobId, String specJson) {
        SigningKey key = keys.signingKey();
        long now = clock.millis();
        return new JobSignature(key.id(), now, mac(key, jobId, now, specJson));
    }

    /** @throws RejectedJobException saying which check failed and what to do */
    public void verify(String jobId, String specJson, String keyId, String issuedAt, String mac) throws RejectedJobException {
        if (isBlank(keyId) || isBlank(issuedAt) || isBlank(mac)) {
            throw new RejectedJobException("unsigned: this worker only runs jobs signed with one of its keys (" + String.join(", ", keys.ids())
                    + "); submit with DEPLOYSTER_KEYS set");
        }
        SigningKey key = keys.find(keyId);
        if (key == null) {
            throw new RejectedJobException("signed with unknown key '" + keyId + "'; this worker knows " + String.join(", ", keys.ids()));
        }
        long iat;
        try {
            iat = Long.parseLong(issuedAt);
        } catch (NumberFormatException e) {
            throw new RejectedJobException("signature time '" + issuedAt + "' is not a number of milliseconds");
        }
        byte[] expected = mac(key, jobId, iat, specJson).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII))) {
            throw new RejectedJobException("bad signature: the job was changed after it was signed, or signed with another secret for key '" + keyId + "'");
        }
        long now = clock.millis();
        if (iat < now - maxAge.toMillis()) {
            throw new RejectedJobException("expired: signed " + Durations.readable(Duration.ofMillis(now - iat)) + " ago, more than the "
                    + Durations.readable(maxAge) + " a job may wait (--max-age); submit it again");
        }
        if (iat > now + CLOCK_SKEW.toMillis()) {
            throw new RejectedJobException("signed " + Durations.readable(Duration.ofMillis(iat - now)) + " in the future; check the producer's clock");
        }
    }

    private static String mac(SigningKey key, String jobId, long issuedAt, String specJson) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            // length-prefixed parts, so no two different jobs share a signed text
            String text = "deployster-job-v1\n" + jobId.length() + ":" + jobId + "\n" + issuedAt + "\n" + key.id().length() + ":" + key.id()
                    + "\n" + specJson;
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }
}
