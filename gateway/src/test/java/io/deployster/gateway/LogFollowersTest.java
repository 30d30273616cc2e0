package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients following one job's log through the gateway, as SSE, with real HTTP clients: each gets
 * every line once, in order; a client that stops reading holds up no one and, once it reads again,
 * gets what it missed from Redis; a client that leaves releases its follower. The gateway has fewer
 * HTTP threads than clients wait at once, so a follower or a {@code wait=true} submit that held a
 * thread would leave the others unserved.
 */
class LogFollowersTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    GatewayFixture gw;

    /** Fewer than the followers of the first test: were a follower holding a thread, the 33rd would never be served. */
    static final int HTTP_THREADS = 32;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayFixture(redis.uri(), """
                projects:
                  shop:
                    queue: shop-q
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read]}
                    defaults:
                      cd: %s
                """.formatted(GatewayFixture.sha256("shop-token"), dir), HTTP_THREADS, "shop-q");
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
    }

    private String submit(String command) throws Exception {
        HttpResponse<String> r = gw.postJson("/api/v1/jobs", "shop-token",
                new com.google.gson.Gson().toJson(Map.of("commands", List.of(command))));
        assertEquals(201, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().get("id").getAsString();
    }

    @Test
    void twoHundredFollowersEachGetEveryLineWhileAStalledClientHoldsUpNoOne() throws Exception {
        int followers = 200;
        int lines = 2000;
        Path go = dir.resolve("go");
        String id = submit("while [ ! -e '" + go + "' ]; do sleep 0.02; done; seq -f 'line %g' 1 " + lines);
        try (StalledClient stalled = StalledClient.open(gw, id)) {
            List<Events> all = new ArrayList<>();
            List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
            for (int i = 0; i < followers; i++) {
                Events events = new Events();
                all.add(events);
                responses.add(gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log", "shop-token")
                        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.fromLineSubscriber(events)));
            }
            // all connected (the stalled one too) before the job prints its first line
            Await.until("every follower subscribed", Duration.ofSeconds(60), () -> gw.server.followers() == followers + 1);
            Files.createFile(go);

            for (CompletableFuture<HttpResponse<Void>> r : responses) {
                assertEquals(200, r.get(120, TimeUnit.SECONDS).statusCode());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= lines; i++) {
                expected.add("line " + i);
            }
            for (Events events : all) {
                assertEquals(expected, events.lines);
                assertTrue(events.finished, "each follower got the end of the log");
            }
            // the stalled client read nothing so far, and is still followed; now it reads: nothing lost, nothing twice
            Events late = stalled.readAll();
            assertEquals(expected, late.lines);
            assertTrue(late.finished);
        }
        Await.until("every follower released", Duration.ofSeconds(30), () -> gw.server.followers() == 0);
    }

    @Test
    void aClientTooSlowForItsBufferIsResumedFromRedisWithoutGapOrRepeat() throws Exception {
        // ~20 MB of events: far more than the socket buffers and the gateway's per-client buffer hold
        int lines = 20_000;
        String pad = "x".repeat(1000);
        Path go = dir.resolve("go");
        String id = submit("while [ ! -e '" + go + "' ]; do sleep 0.02; done; seq -f 'line %g " + pad + "' 1 " + lines);
        try (StalledClient stalled = StalledClient.open(gw, id)) {
            Events reader = new Events();
            CompletableFuture<HttpResponse<Void>> r = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log", "shop-token")
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.fromLineSubscriber(reader));
            Await.until("both followers subscribed", Duration.ofSeconds(30), () -> gw.server.followers() == 2);
            Files.createFile(go);
            assertEquals(200, r.get(120, TimeUnit.SECONDS).statusCode());
            assertEquals(lines, reader.lines.size());
            assertTrue(reader.finished, "the reading client got the whole log while the other did not read");

            Events late = stalled.readAll();
            assertEquals(lines, late.lines.size());
            for (int i = 0; i < lines; i++) {
                assertEquals("line " + (i + 1) + " " + pad, late.lines.get(i));
            }
            assertTrue(late.finished);
        }
    }

    @Test
    void moreWaitTrueSubmitsThanHttpThreadsAreAllAnsweredWithTheirResult() throws Exception {
        int waiters = HTTP_THREADS + 8;
        Path go = dir.resolve("go");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            String command = "while [ ! -e '" + go + "' ]; do sleep 0.02; done; exit " + (i % 2);
            answers.add(gw.http.sendAsync(gw.request("/api/v1/jobs?wait=true", "shop-token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new com.google.gson.Gson().toJson(Map.of("commands", List.of(command)))))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        // every submit is held, none answered yet: the jobs wait for the file
        Await.until("every submit waits for its job", Duration.ofSeconds(60), () -> gw.server.followers() == waiters);
        Files.createFile(go);
        for (int i = 0; i < waiters; i++) {
            HttpResponse<String> r = answers.get(i).get(120, TimeUnit.SECONDS);
            JsonObject job = JsonParser.parseString(r.body()).getAsJsonObject();
            assertEquals(i % 2 == 0 ? 200 : 422, r.statusCode(), r.body());
            assertEquals(i % 2 == 0 ? "succeeded" : "failed", job.get("status").getAsString());
        }
    }

    @Test
    void aClientThatLeavesReleasesItsFollower() throws Exception {
        Path go = dir.resolve("go");
        String id = submit("while [ ! -e '" + go + "' ]; do echo tick; sleep 0.1; done");
        HttpResponse<InputStream> r = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log?follow=true", "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null && !l.equals("tick")) {
                    assertTrue(l.startsWith("[deployster] "), l); // what the queue said before the job started
                }
                assertEquals("tick", l);
                assertEquals(1, gw.server.followers());
            }
            // the next line the job prints finds the connection closed
            Await.until("the follower released", Duration.ofSeconds(30), () -> gw.server.followers() == 0);
        } finally {
            Files.createFile(go);
        }
    }

    /** One SSE client's data events, as the JDK client hands over its lines. */
    static final class Events implements Flow.Subscriber<String> {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        volatile boolean finished;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.startsWith("data: ")) {
                return;
            }
            JsonObject e = JsonParser.parseString(line.substring(6)).getAsJsonObject();
            if (e.has("l")) {
                lines.add(e.get("l").getAsString());
            } else if (e.has("e") && "finished".equals(e.get("e").getAsString())) {
                finished = true;
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }

    /**
     * An SSE client that sends its request and then reads nothing, on a socket with a small receive
     * buffer so the gateway soon cannot write to it: a browser tab in the background, a CI runner
     * paused in a debugger. {@link #readAll} reads the whole response later.
     */
    static final class StalledClient implements AutoCloseable {
        private final Socket socket;

        private StalledClient(Socket socket) {
            this.socket = socket;
        }

        static StalledClient open(GatewayFixture gw, String jobId) throws IOException {
            URI uri = URI.create(gw.url);
            Socket s = new Socket();
            s.setReceiveBufferSize(8192); // before connect, so the window stays small
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/jobs/" + jobId + "/log HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                    + "Authorization: Bearer shop-token\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new StalledClient(s);
        }

        Events readAll() throws IOException {
            socket.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String status = line(in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                chunked |= h.equalsIgnoreCase("Transfer-Encoding: chunked");
            }
            assertTrue(chunked, "a followed log is sent chunked");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                body.write(in.readNBytes(size));
                line(in);
            }
            Events events = new Events();
            for (String l : body.toString(StandardCharsets.UTF_8).split("\n")) {
                events.onNext(l);
            }
            return events;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c < 0 && b.size() == 0) {
                throw new IOException("the gateway closed the connection early");
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
