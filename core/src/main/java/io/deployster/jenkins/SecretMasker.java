package io.deployster.jenkins;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces known secrets (Redis password, vault password, key passphrase) with {@value #MASK} in text
 * bound for the build console. Works on bytes too, so output of any encoding is masked without being
 * decoded.
 */
public final class SecretMasker {
    public static final String MASK = "****";
    private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);
    /** Shorter values would mask ordinary words; such secrets are weak anyway. */
    static final int MIN_LENGTH = 3;

    private final List<String> secrets;
    private final List<byte[]> secretBytes;

    private SecretMasker(List<String> secrets) {
        this.secrets = secrets;
        this.secretBytes = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public static SecretMasker of(String... secrets) {
        return of(Arrays.asList(secrets));
    }

    public static SecretMasker of(Collection<String> secrets) {
        return new SecretMasker(secrets.stream()
                .filter(Objects::nonNull)
                .filter(s -> s.length() >= MIN_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    public String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /** The bytes with every secret's UTF-8 form replaced; {@code line} itself when nothing matched. */
    public byte[] mask(byte[] line, int length) {
        byte[] current = length == line.length ? line : Arrays.copyOf(line, length);
        for (byte[] secret : secretBytes) {
            current = replace(current, secret);
        }
        return current;
    }

    private static byte[] replace(byte[] data, byte[] secret) {
        int at = indexOf(data, secret, 0);
        if (at < 0) {
            return data;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length);
        int from = 0;
        while (at >= 0) {
            out.write(data, from, at - from);
            out.write(MASK_BYTES, 0, MASK_BYTES.length);
            from = at + secret.length;
            at = indexOf(data, secret, from);
        }
        out.write(data, from, data.length - from);
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] target, int from) {
        outer:
        for (int i = from; i <= data.length - target.length; i++) {
            for (int j = 0; j < target.length; j++) {
                if (data[i + j] != target[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
