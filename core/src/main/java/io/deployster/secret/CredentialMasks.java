package io.deployster.secret;

import java.util.Arrays;
import java.util.Collection;

/**
 * Maskers for the values of Jenkins credentials (Redis password, vault password, key passphrase)
 * in text bound for the build console. Unlike step secrets, whose length the step checks, these come
 * as the admin stored them: values shorter than {@value #MIN_LENGTH} characters are not masked, since
 * masking them would garble ordinary words (and such passwords are weak anyway).
 */
public final class CredentialMasks {
    public static final int MIN_LENGTH = 3;

    private CredentialMasks() {
    }

    public static Masker of(String... values) {
        return of(Arrays.asList(values));
    }

    public static Masker of(Collection<String> values) {
        return Masker.ignoringShorterThan(MIN_LENGTH, values);
    }
}
