package io.deployster.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console masks credentials and step secrets with the core's Masker, in lines and in process output. */
class MaskingTest {
    @Test
    void credentialsAreMaskedLongestFirstAndVeryShortOnesAreLeftAlone() {
        Masker masker = CredentialMasks.of(Arrays.asList("hunter2", "hunter2-long", null, "ab"));
        assertEquals("pw **** and ****!", masker.mask("pw hunter2-long and hunter2!"));
        assertEquals("ab stays: too short to be masked", masker.mask("ab stays: too short to be masked"));
        assertNull(masker.mask((String) null));
        assertTrue(CredentialMasks.of().isEmpty());
    }

    @Test
    void credentialAndStepSecretMaskersCombine() {
        Secrets secrets = new Secrets(Map.of("DB_PASSWORD", "db-s3cret"), Map.of("api_token", "t0ken-value"));
        Masker masker = CredentialMasks.of("redis-pw").and(secrets.masker());
        assertEquals("**** **** ****", masker.mask("redis-pw db-s3cret t0ken-value"));
        assertSame(masker, masker.and(Masker.none()));
    }

    @Test
    void bytesWithoutSecretsAreLeftAlone() {
        Masker masker = CredentialMasks.of("s3cret");
        byte[] line = "plain line\n".getBytes(StandardCharsets.UTF_8);
        assertSame(line, masker.mask(line, line.length));
        assertEquals("a ****\n", new String(masker.mask("a s3cret\nrest".getBytes(StandardCharsets.UTF_8), 9), StandardCharsets.UTF_8));
    }

    @Test
    void streamMasksSecretsSplitAcrossWrites() throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (MaskingOutputStream out = new MaskingOutputStream(target, CredentialMasks.of("vault-pässword"))) {
            byte[] text = "line 1\nthe vault-pässword is here\nno end".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < text.length; i += 3) {
                out.write(text, i, Math.min(3, text.length - i));
            }
        }
        assertEquals("line 1\nthe **** is here\nno end", target.toString(StandardCharsets.UTF_8));
    }

    @Test
    void streamWithoutSecretsPassesBytesStraightThrough() throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        MaskingOutputStream out = new MaskingOutputStream(target, Masker.none());
        out.write("\u001b[32mgreen\u001b[0m partial".getBytes(StandardCharsets.UTF_8));
        assertEquals("\u001b[32mgreen\u001b[0m partial", target.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aVeryLongLineIsPassedOnInPieces() throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        MaskingOutputStream out = new MaskingOutputStream(target, new Masker(List.of("secret")));
        out.write("x".repeat(MaskingOutputStream.MAX_PENDING + 10).getBytes(StandardCharsets.UTF_8));
        assertEquals(MaskingOutputStream.MAX_PENDING, target.size());
        out.close();
        assertEquals(MaskingOutputStream.MAX_PENDING + 10, target.size());
    }
}
