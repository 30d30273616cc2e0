package io.deployster.sign;

import java.util.Arrays;

/** A shared secret producers sign jobs with and workers verify them with, named so keys can rotate. */
public record SigningKey(String id, byte[] secret) {
    public static final int MIN_BYTES = 32;

    public SigningKey {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("key id '" + id + "' is not allowed; use 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        if (secret == null || secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("key '" + id + "' is " + (secret == null ? 0 : secret.length)
                    + " bytes; a signing key must be at least " + MIN_BYTES + " random bytes (e.g. openssl rand -base64 32)");
        }
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey k && k.id.equals(id) && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "SigningKey[" + id + "]";
    }
}
