package io.deployster.secret;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every occurrence of a secret value in a line with ****, longest values first: the value as
 * given and each form {@link SecretForms} derives from it (escaped, quoted, encoded, one line of a
 * multi-line value). Works on bytes too (each form's UTF-8), so output of any encoding can be masked
 * without decoding it.
 */
public final class Masker {
    public static final String MASK = "****";
    private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);
    private static final Masker NONE = new Masker(List.of());

    /** Derived forms shorter than this would mask ordinary words; the value itself is always masked. */
    private static final int MIN_FORM_LENGTH = 4;

    private final List<String> secrets;
    private final List<String> values;
    private final List<byte[]> valueBytes;

    public Masker(Collection<String> secrets) {
        // very short values would mask ordinary text everywhere; they are refused at submit instead
        this.secrets = secrets.stream().filter(v -> v != null && !v.isEmpty()).distinct().toList();
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : this.secrets) {
            forms.add(secret);
            forms.addAll(SecretForms.of(secret, MIN_FORM_LENGTH));
        }
        this.values = forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.valueBytes = values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public static Masker none() {
        return NONE;
    }

    /**
     * A masker for values whose length nobody checked (passwords from elsewhere): values shorter than
     * {@code minLength} are left out, because masking them would garble ordinary words.
     */
    public static Masker ignoringShorterThan(int minLength, Collection<String> secrets) {
        return new Masker(secrets.stream().filter(v -> v != null && v.length() >= minLength).toList());
    }

    /** A masker for the values of this one and of {@code other}. */
    public Masker and(Masker other) {
        if (other.values.isEmpty()) {
            return this;
        }
        if (values.isEmpty()) {
            return other;
        }
        List<String> all = new ArrayList<>(secrets);
        all.addAll(other.secrets);
        return new Masker(all);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** @return the line with every value replaced; null for null */
    public String mask(String line) {
        if (line == null) {
            return null;
        }
        String out = line;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    /**
     * For the kept start of a line whose end was cut off: masked as {@link #mask(String)}, and a tail
     * that could be the start of a secret cut in two is masked too, so no prefix of it shows.
     */
    public String maskCut(String kept) {
        String out = mask(kept);
        int longest = 0;
        for (String v : values) {
            for (int n = Math.min(v.length() - 1, out.length()); n > longest; n--) {
                if (out.regionMatches(out.length() - n, v, 0, n)) {
                    longest = n;
                    break;
                }
            }
        }
        return longest == 0 ? out : out.substring(0, out.length() - longest) + MASK;
    }

    /**
     * The first {@code length} bytes of {@code line} with every value's UTF-8 form replaced;
     * {@code line} itself when it is {@code length} long and nothing matched.
     */
    public byte[] mask(byte[] line, int length) {
        byte[] current = length == line.length ? line : Arrays.copyOf(line, length);
        for (byte[] value : valueBytes) {
            current = replace(current, value);
        }
        return current;
    }

    private static byte[] replace(byte[] data, byte[] value) {
        int at = indexOf(data, value, 0);
        if (at < 0) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int from = 0;
        while (at >= 0) {
            out.write(data, from, at - from);
            out.write(MASK_BYTES, 0, MASK_BYTES.length);
            from = at + value.length;
            at = indexOf(data, value, from);
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
