package io.deployster.gateway;

import io.deployster.client.DeploysterClient;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Deployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A gateway as {@code deployster serve} runs it, in front of real workers that run only jobs signed
 * with the gateway's key, on a real Redis; and a JDK HTTP client to call it.
 */
final class GatewayFixture implements AutoCloseable {
    static final String KEYS = "gw:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    final Deployment deployment;
    final GatewayServer server;
    final String url;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Redis redis;
    private final DeploysterClient client;

    GatewayFixture(String redisUri, String configYaml, String... queues) throws Exception {
        this(redisUri, configYaml, null, 200, queues);
    }

    /** @param policy the worker's policy (e.g. allowing callbacks to this host); null for none */
    GatewayFixture(String redisUri, String configYaml, WorkerPolicy policy, String... queues) throws Exception {
        this(redisUri, configYaml, policy, 200, queues);
    }

    /** @param httpThreads the most HTTP threads the gateway has ({@code deployster serve --threads}) */
    GatewayFixture(String redisUri, String configYaml, int httpThreads, String... queues) throws Exception {
        this(redisUri, configYaml, null, httpThreads, queues);
    }

    private GatewayFixture(String redisUri, String configYaml, WorkerPolicy policy, int httpThreads, String... queues)
            throws Exception {
        JobSigner signer = new JobSigner(KeyRing.parse(KEYS, "test"), Clock.systemUTC(), Duration.ofHours(1));
        deployment = new Deployment(redisUri, QueueSettings.DEFAULT, signer);
        deployment.worker("gw-worker", 4, signer, policy, queues);
        redis = Redis.connect(redisUri);
        client = DeploysterClient.open(Redis.connect(redisUri), QueueSettings.DEFAULT, signer);
        GatewayConfig config = GatewayConfigReader.parse(configYaml, "gateway.yml");
        server = GatewayServer.start(config, redis, Keys.defaults(), QueueSettings.DEFAULT, client,
                new GatewayServer.Listen("127.0.0.1", 0, null, null, httpThreads));
        url = server.url("127.0.0.1");
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String token, String json) throws Exception {
        return http.send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.close();
        client.close();
        redis.close();
        deployment.close();
    }
}
