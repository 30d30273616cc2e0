package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --tls-cert/--tls-key: the gateway serves HTTPS with an operator's PEM files, checked by a client that trusts only them. */
class TlsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithPemCertificateAndKey() throws Exception {
        Tools.require("openssl", "apt-get install -y openssl");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(dir.resolve("openssl.out")));

        GatewayConfig config = GatewayConfigReader.parse("projects: {shop: {tokens: [{name: ci, sha256: %s, scopes: [read]}]}}"
                .formatted(GatewayFixture.sha256("t")), "gateway.yml");
        try (Redis pool = Redis.connect(redis.uri());
             DeploysterClient client = DeploysterClient.open(Redis.connect(redis.uri()), QueueSettings.DEFAULT, null);
             GatewayServer server = GatewayServer.start(config, pool, Keys.defaults(), QueueSettings.DEFAULT, client,
                     new GatewayServer.Listen("127.0.0.1", 0, dir.resolve("cert.pem"), dir.resolve("key.pem"), 32))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gw", CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(dir.resolve("cert.pem"))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();

            assertTrue(server.url("127.0.0.1").startsWith("https://"));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url("127.0.0.1") + "/api/v1/projects/shop"))
                    .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"project\":\"shop\""), r.body());
        }
    }
}
