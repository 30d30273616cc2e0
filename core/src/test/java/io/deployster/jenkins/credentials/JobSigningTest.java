package io.deployster.jenkins.credentials;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.sign.JobSignature;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JobSigningTest {
    private static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String NEXT = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    private static String error(String keyText) {
        return assertThrows(IllegalArgumentException.class, () -> JobSigning.signer("deployster-signing", keyText)).getMessage();
    }

    @Test
    void noCredentialMeansUnsignedJobs() {
        assertNull(JobSigning.signer(null, null));
        assertNull(JobSigning.signer("  ", "ignored"));
    }

    @Test
    void theCredentialTextIsTheWorkersKeyTextAndItsFirstKeySigns() throws Exception {
        String text = "# rotation: jenkins-2 is the new key\njenkins-2:" + NEXT + "\njenkins-1:" + SECRET + "\n";
        JobSigner signer = JobSigning.signer(" deployster-signing ", text);
        assertEquals(JobSigning.DEFAULT_MAX_AGE, signer.maxAge());
        assertEquals(Duration.ofHours(24), signer.maxAge());
        JobSignature signature = signer.sign("job-1", "{}");
        assertEquals("jenkins-2", signature.keyId());
        // a worker that reads the same text from DEPLOYSTER_KEYS verifies it
        JobSigner worker = new JobSigner(KeyRing.parse(text, "$DEPLOYSTER_KEYS"), Clock.systemUTC(), Duration.ofHours(1));
        assertDoesNotThrow(() -> worker.verify("job-1", "{}", signature.keyId(), Long.toString(signature.issuedAt()), signature.mac()));
        assertEquals(Duration.ofHours(2), JobSigning.signer("k", "a:" + SECRET, Duration.ofHours(2), Clock.systemUTC()).maxAge());
    }

    @Test
    void aMissingCredentialIsNamedWithWhatToDo() {
        String message = error(null);
        assertTrue(message.startsWith("deployster: the job signing key credential 'deployster-signing' does not exist or is not a Secret text"),
                message);
        assertTrue(message.contains("Manage Jenkins → System → Deployster → Job signing key"), message);
    }

    @Test
    void badKeyTextIsNamedByCredentialAndNeverEchoesTheSecret() {
        assertTrue(error("").contains("'deployster-signing' holds no key"));
        assertTrue(error("# only a comment\n").contains("holds no key"));

        String noId = error(SECRET);
        assertTrue(noId.contains("'deployster-signing' is not usable: key entry 1 has no 'id:'"), noId);
        assertFalse(noId.contains(SECRET), noId);

        // the wrong way round: the text before ':' is the secret, which KeyRing would quote as a key id
        String reversed = error("jenkins-1:" + SECRET + "\n" + NEXT + ":jenkins-2");
        assertTrue(reversed.contains("key entry 2 does not start with a key id"), reversed);
        assertFalse(reversed.contains(NEXT), reversed);

        String notBase64 = error("jenkins-1:not base64!");
        assertTrue(notBase64.contains("key 'jenkins-1' in Jenkins credential deployster-signing is not base64"), notBase64);

        String tooShort = error("jenkins-1:" + Base64.getEncoder().encodeToString("short".getBytes()));
        assertTrue(tooShort.contains("'deployster-signing' is not usable: key 'jenkins-1' is 5 bytes"), tooShort);
        assertTrue(tooShort.contains("openssl rand -base64 32"), tooShort);

        String twice = error("k:" + SECRET + "\nk:" + NEXT);
        assertTrue(twice.contains("key id 'k' is given twice"), twice);
    }
}
