package io.deployster.sign;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.Durations;
import io.deployster.secret.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSignerTest {
    static final String K1 = "k1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final String K2 = "k2:" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());
    private final Clock now = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final JobSigner signer = new JobSigner(KeyRing.parse(K1 + "\n" + K2, "test"), now, Duration.ofHours(1));

    private String reason(String id, String spec, JobSignature s) {
        return assertThrows(RejectedJobException.class, () -> signer.verify(id, spec, s.keyId(), Long.toString(s.issuedAt()), s.mac())).getMessage();
    }

    @Test
    void aSignedJobVerifiesAndAnyChangeBreaksIt() {
        JobSignature s = signer.sign("job-1", "{\"a\":1}");
        assertEquals("k1", s.keyId());
        assertDoesNotThrow(() -> signer.verify("job-1", "{\"a\":1}", "k1", Long.toString(s.issuedAt()), s.mac()));
        assertTrue(reason("job-1", "{\"a\":2}", s).startsWith("bad signature"));
        assertTrue(reason("job-2", "{\"a\":1}", s).startsWith("bad signature"));
        assertTrue(reason("job-1", "{\"a\":1}", new JobSignature("k1", s.issuedAt() + 1, s.mac())).startsWith("bad signature"));
        assertTrue(reason("job-1", "{\"a\":1}", new JobSignature("k2", s.issuedAt(), s.mac())).startsWith("bad signature"));
    }

    @Test
    void unsignedUnknownKeyExpiredAndFutureJobsAreRejected() {
        JobSignature s = signer.sign("job-1", "{}");
        assertTrue(assertThrows(RejectedJobException.class, () -> signer.verify("job-1", "{}", null, null, null)).getMessage().startsWith("unsigned"));
        assertTrue(reason("job-1", "{}", new JobSignature("k9", s.issuedAt(), s.mac())).startsWith("signed with unknown key 'k9'"));
        JobSigner later = new JobSigner(signer.keys(), Clock.offset(now, Duration.ofHours(2)), Duration.ofHours(1));
        assertTrue(assertThrows(RejectedJobException.class, () -> later.verify("job-1", "{}", "k1", Long.toString(s.issuedAt()), s.mac()))
                .getMessage().startsWith("expired: signed 2 h ago, more than the 1 h a job may wait"));
        JobSigner earlier = new JobSigner(signer.keys(), Clock.offset(now, Duration.ofHours(-1)), Duration.ofHours(1));
        assertTrue(assertThrows(RejectedJobException.class, () -> earlier.verify("job-1", "{}", "k1", Long.toString(s.issuedAt()), s.mac()))
                .getMessage().contains("in the future"));
    }

    @Test
    void aShortMaxAgeReadsInSecondsNotAsZeroMinutes() {
        JobSigner strict = new JobSigner(signer.keys(), now, Duration.ofSeconds(3));
        JobSignature s = strict.sign("job-1", "{}");
        JobSigner later = new JobSigner(signer.keys(), Clock.offset(now, Duration.ofMillis(4500)), Duration.ofSeconds(3));
        assertEquals("expired: signed 4.5 s ago, more than the 3 s a job may wait (--max-age); submit it again",
                assertThrows(RejectedJobException.class, () -> later.verify("job-1", "{}", "k1", Long.toString(s.issuedAt()), s.mac())).getMessage());
        assertEquals("1 d 2 h", Durations.readable(Duration.ofHours(26)));
        assertEquals("2 min 5 s", Durations.readable(Duration.ofSeconds(125)));
    }

    @Test
    void keyRingsRefuseWeakOrMalformedKeys() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k:" + Base64.getEncoder().encodeToString(new byte[8]), "x"))
                .getMessage().contains("at least 32 random bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("no-colon", "x")).getMessage().contains("id:base64-secret"));
        assertEquals(List.of("k1", "k2"), KeyRing.parse("# comment\n" + K1 + ", " + K2, "x").ids());
    }

    @Test
    void sealedSecretsOpenOnlyForTheirJobAndName() {
        SecretBox box = new SecretBox(signer.keys());
        String sealed = box.seal("job-1", "env.DB_PASSWORD", "hunter2-secret");
        assertTrue(!sealed.contains("hunter2"), sealed);
        assertEquals("hunter2-secret", box.open("job-1", "env.DB_PASSWORD", sealed));
        assertThrows(IllegalArgumentException.class, () -> box.open("job-2", "env.DB_PASSWORD", sealed));
        assertThrows(IllegalArgumentException.class, () -> box.open("job-1", "env.OTHER", sealed));
    }
}
