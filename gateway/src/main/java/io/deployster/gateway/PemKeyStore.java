package io.deployster.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A key store from the PEM files operators have (certificate chain, PKCS#8 key), for --tls-cert/--tls-key. */
final class PemKeyStore {
    static final char[] PASSWORD = "deployster".toCharArray();
    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----(.+?)-----END PRIVATE KEY-----", Pattern.DOTALL);

    private PemKeyStore() {
    }

    /** @throws IllegalArgumentException naming the file and what it must hold */
    static KeyStore load(Path certFile, Path keyFile) throws IOException {
        try {
            Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))).toArray(Certificate[]::new);
            if (chain.length == 0) {
                throw new IllegalArgumentException("--tls-cert " + certFile + " holds no PEM certificate");
            }
            Matcher m = KEY.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
            if (!m.find()) {
                throw new IllegalArgumentException("--tls-key " + keyFile + " holds no unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'); "
                        + "convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            PrivateKey key = null;
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    break;
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            if (key == null) {
                throw new IllegalArgumentException("--tls-key " + keyFile + " is not an RSA, EC or Ed25519 key");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gateway", key, PASSWORD, chain);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-cert " + certFile + " / --tls-key " + keyFile + " cannot be used: " + e.getMessage());
        }
    }
}
