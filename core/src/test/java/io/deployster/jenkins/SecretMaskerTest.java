package io.deployster.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    @Test
    void masksEveryOccurrenceLongestFirst() {
        SecretMasker masker = SecretMasker.of("hunter2", "hunter2-long", null, "ab");
        assertEquals("pw **** and ****!", masker.mask("pw hunter2-long and hunter2!"));
        assertEquals("ab stays: too short to be masked", masker.mask("ab stays: too short to be masked"));
    }

    @Test
    void bytesWithoutSecretsAreLeftAlone() {
        SecretMasker masker = SecretMasker.of("s3cret");
        byte[] line = "plain line\n".getBytes(StandardCharsets.UTF_8);
        assertSame(line, masker.mask(line, line.length));
    }

    @Test
    void streamMasksSecretsSplitAcrossWrites() throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (MaskingOutputStream out = new MaskingOutputStream(target, SecretMasker.of("vault-pässword"))) {
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
        MaskingOutputStream out = new MaskingOutputStream(target, SecretMasker.of());
        out.write("\u001b[32mgreen\u001b[0m partial".getBytes(StandardCharsets.UTF_8));
        assertEquals("\u001b[32mgreen\u001b[0m partial", target.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aVeryLongLineIsPassedOnInPieces() throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        MaskingOutputStream out = new MaskingOutputStream(target, SecretMasker.of("secret"));
        out.write("x".repeat(MaskingOutputStream.MAX_PENDING + 10).getBytes(StandardCharsets.UTF_8));
        assertEquals(MaskingOutputStream.MAX_PENDING, target.size());
        out.close();
        assertEquals(MaskingOutputStream.MAX_PENDING + 10, target.size());
    }
}
