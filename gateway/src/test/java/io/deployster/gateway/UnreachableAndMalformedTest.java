package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Answers when Redis is down (503) and when the request is not HTTP a route can read (Jetty's 400), both as JSON. */
class UnreachableAndMalformedTest {
    @Test
    void redisDownIs503AndAMalformedRequestIsAJson400() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // nothing listens here once it is closed
        }
        GatewayConfig config = GatewayConfigReader.parse("projects: {shop: {tokens: [{name: ci, sha256: %s, scopes: [read]}]}}"
                .formatted(GatewayFixture.sha256("t")), "gateway.yml");
        String uri = "redis://127.0.0.1:" + deadPort;
        try (Redis pool = Redis.connect(uri);
             DeploysterClient client = DeploysterClient.open(Redis.connect(uri), QueueSettings.DEFAULT, null);
             GatewayServer server = GatewayServer.start(config, pool, Keys.defaults(), QueueSettings.DEFAULT, client,
                     new GatewayServer.Listen("127.0.0.1", 0, null, null, 32))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url("127.0.0.1")
                    + "/api/v1/projects/shop")).header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("{\"error\":\"the deploy queue (Redis) cannot be reached; try again shortly\"}", r.body());

            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /api/v1/jobs/x HTTP/1.1\r\nHost: gw\r\nContent-Length: many\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
                assertTrue(reply.contains("Content-Type: application/json"), reply);
                assertTrue(reply.contains("\"allowed\":\"a well-formed HTTP request"), reply);
                assertTrue(!reply.contains("<html"), reply);
            }
        }
    }
}
