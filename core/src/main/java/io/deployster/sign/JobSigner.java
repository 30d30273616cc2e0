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

    /** What a signature covers, named in the signed text, so a signed workflow is never taken for a job or back. */
    public enum Subject {
        JOB("deployster-job-v1"), WORKFLOW("deployster-workflow-v1"), RESULT("deployster-result-v1");

        private final String domain;

        Subject(String domain) {
            this.domain = domain;
        }
    }

    public JobSignature sign(String jobId, String specJson) {
        return sign(Subject.JOB, jobId, specJson);
    }

    /** Signs a record of {@code subject}'s kind: its id and its JSON, at this instant, with the signing key. */
    public JobSignature sign(Subject subject, String id, String json) {
        SigningKey key = keys.signingKey();
        long now = clock.millis();
        return new JobSignature(key.id(), now, mac(subject, key, id, now, json));
    }

    /** @throws RejectedJobException saying which check failed and what to do */
    public void verify(String jobId, String specJson, String keyId, String issuedAt, String mac) throws RejectedJobException {
        verify(Subject.JOB, jobId, specJson, keyId, issuedAt, mac, true);
    }

    /**
     * Checks a signature of {@code subject}'s kind.
     *
     * @param fresh also check its age (at most {@link #maxAge()}, not ahead by more than {@link #CLOCK_SKEW}):
     *     true when the record is about to start, false for one that started under a fresh signature
     * @throws RejectedJobException saying which check failed and what to do
     */
    public void verify(Subject subject, String id, String json, String keyId, String issuedAt, String mac, boolean fresh)
            throws RejectedJobException {
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
        byte[] expected = mac(subject, key, id, iat, json).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII))) {
            throw new RejectedJobException("bad signature: the job was changed after it was signed, or signed with another secret for key '" + keyId + "'");
        }
        if (!fresh) {
            return;
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

    private static String mac(Subject subject, SigningKey key, String jobId, long issuedAt, String specJson) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            // length-prefixed parts, so no two different jobs share a signed text
            String text = subject.domain + "\n" + jobId.length() + ":" + jobId + "\n" + issuedAt + "\n" + key.id().length() + ":" + key.id()
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
