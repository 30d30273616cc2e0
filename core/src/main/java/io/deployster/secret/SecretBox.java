package io.deployster.secret;

import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret values for the trip through Redis (AES-256-GCM, key derived from the job's signing
 * key). Each ciphertext is bound to its job and variable name, so it cannot be moved to another.
 * Wire form: {@code v1:<key id>:<base64(iv || ciphertext)>}.
 */
public final class SecretBox {
    private final KeyRing keys;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(KeyRing keys) {
        this.keys = keys;
    }

    public String seal(String jobId, String name, String value) {
        SigningKey key = keys.signingKey();
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, iv, jobId, name);
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return "v1:" + key.id() + ":" + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Whether {@code value} has the wire form of a sealed value. Says nothing of whether it opens: that
     * takes the key, and the job and name it was sealed for.
     */
    public static boolean looksSealed(String value) {
        String[] parts = value == null ? new String[0] : value.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("v1") || parts[1].isEmpty()) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(parts[2]).length > 12; // the IV, then the ciphertext and its tag
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @throws IllegalArgumentException naming the variable when the value cannot be opened */
    public String open(String jobId, String name, String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            throw new IllegalArgumentException("secret '" + name + "' is not sealed by Deployster (expected v1:key:data)");
        }
        SigningKey key = keys.find(parts[1]);
        if (key == null) {
            throw new IllegalArgumentException("secret '" + name + "' is sealed with unknown key '" + parts[1] + "'");
        }
        try {
            byte[] data = Base64.getDecoder().decode(parts[2]);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(data, 12), jobId, name);
            return new String(cipher.doFinal(data, 12, data.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("secret '" + name + "' cannot be opened: it was changed, or sealed for another job");
        }
    }

    private static Cipher cipher(int mode, SigningKey key, byte[] iv, String jobId, String name) throws GeneralSecurityException {
        Mac kdf = Mac.getInstance("HmacSHA256");
        kdf.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
        byte[] aesKey = kdf.doFinal("deployster-secret-v1".getBytes(StandardCharsets.UTF_8));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD((jobId + "\n" + name).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
