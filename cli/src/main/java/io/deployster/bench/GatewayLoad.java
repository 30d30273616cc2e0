package io.deployster.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.worker.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Scenario {@code gateway}: the HTTP gateway in a JVM of its own, called over loopback with the JDK
 * HTTP client. Submit latency (POST /api/v1/jobs, one at a time, keep-alive); line latency from the
 * job's process to an SSE client (wall-clock stamps, as log-lines measures it); and many concurrent SSE
 * followers of one job, each of which must get every line, with the gateway's threads, memory and CPU.
 */
final class GatewayLoad implements Scenario {
    static final double TARGET_SUBMIT_P99_MS = 10;
    static final double TARGET_LINE_P99_MS = 10;
    static final String GATEWAY_JAVA_OPTIONS = "-Xmx512m";
    /** As {@code deployster serve} by default: followers hold no HTTP thread, so 1,000 of them need no more. */
    static final int HTTP_THREADS = 64;

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        boolean smoke = ctx.config.smoke();
        int followers = smoke ? 50 : 1000;
        String token = randomToken();
        Path config = ctx.work.resolve("gateway.yml");
        Files.writeString(config, """
                authFailuresPerMinute: 100000
                projects:
                  bench-submit:
                    queue: gw-nobody
                    tokens: [{name: bench, sha256: %1$s, scopes: [submit]}]
                    defaults: {cd: %2$s}
                  bench-log:
                    queue: gw
                    tokens: [{name: bench, sha256: %3$s, scopes: [submit, read]}]
                    defaults: {cd: %2$s}
                """.formatted(sha256(token + "-submit"), ctx.site, sha256(token)));
        Process gateway = new ProcessBuilder(Launch.javaArgv(GATEWAY_JAVA_OPTIONS, GatewayProcess.class.getName(), ctx.uri, ctx.namespace,
                config.toString(), Integer.toString(HTTP_THREADS))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Worker worker = ctx.startWorker("gateway", 1, "gw");
        try {
            String base = "http://127.0.0.1:" + awaitReady(gateway);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            submits(ctx, result, http, base, token + "-submit", smoke ? 20 : 2000, smoke ? 8 : 1000);
            lineLatency(ctx, result, http, base, token);
            fanOut(ctx, result, http, base, token, gateway.pid(), followers, smoke ? 100 : 2000);
        } finally {
            ctx.stopWorker(worker);
            gateway.getOutputStream().close();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly().waitFor();
            }
        }
    }

    private static int awaitReady(Process gateway) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("READY ")) {
            throw new IllegalStateException("the gateway process did not start (it printed '" + line + "')");
        }
        return Integer.parseInt(line.substring(6).trim());
    }

    private static HttpRequest.Builder post(String base, String token, String json) {
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static String submit(HttpClient http, String base, String token, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(post(base, token, json).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return JsonParser.parseString(r.body()).getAsJsonObject().get("id").getAsString();
    }

    /**
     * Sequential submits, each timed from sending the request to reading the whole answer, with two real
     * clients: the JDK's {@code HttpClient}, whose every exchange passes through its selector thread and
     * executor (two thread wake-ups in this process besides the gateway's), and the JDK's blocking
     * {@code HttpURLConnection} on a kept-alive connection, as curl or a CI script's HTTP library calls,
     * whose figure is closer to what the gateway itself adds. The warm-up lets the JIT compile the
     * gateway's request path first, as in a gateway that has served for a while.
     */
    private void submits(BenchContext ctx, ScenarioResult result, HttpClient http, String base, String token, int n, int warmup)
            throws Exception {
        String body = "{\"commands\": [\"true\"], \"submittedBy\": \"deployster bench\"}";
        Samples viaHttpClient = new Samples();
        for (int i = 0; i < warmup + n; i++) {
            long t0 = System.nanoTime();
            submit(http, base, token, body);
            if (i >= warmup) {
                viaHttpClient.add(System.nanoTime() - t0);
            }
        }
        Samples blocking = new Samples();
        URL url = URI.create(base + "/api/v1/jobs").toURL();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < warmup / 4 + n; i++) {
            long t0 = System.nanoTime();
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setRequestMethod("POST");
            // buffered, not streamed: the body then leaves in the same segment as the headers; a body
            // written after them waits, by Nagle's algorithm, for the gateway to acknowledge the headers
            c.setDoOutput(true);
            c.setRequestProperty("Authorization", "Bearer " + token);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // read to the end: the connection is reused
                if (status != 201) {
                    throw new IllegalStateException("submit answered " + status + ": " + answer);
                }
            }
            if (i >= warmup / 4) {
                blocking.add(System.nanoTime() - t0);
            }
        }
        Samples.Stats stats = blocking.stats();
        Samples.Stats jdk = viaHttpClient.stats();
        result.put("submit", result.latency(stats, ctx.rttMs()));
        result.put("submitViaHttpClient", result.latency(jdk, ctx.rttMs()));
        result.latencyRow("POST /api/v1/jobs -> 201 (" + n + " sequential, blocking client)", stats, ctx.rttMs(), "p99 <= 10 ms",
                stats.p99Ms() <= TARGET_SUBMIT_P99_MS);
        result.latencyRow("the same with java.net.http.HttpClient", jdk, ctx.rttMs(), "p99 <= 10 ms",
                jdk.p99Ms() <= TARGET_SUBMIT_P99_MS);
    }

    /**
     * Two SSE clients follow the same job at once, as the submits are timed: a blocking
     * {@code HttpURLConnection} reading the stream on a thread of its own (the target's figure), and
     * {@code java.net.http.HttpClient} (its selector thread, executor and body queue hand each chunk on
     * twice more before the reader has it).
     */
    private void lineLatency(BenchContext ctx, ScenarioResult result, HttpClient http, String base, String token) throws Exception {
        int lines = ctx.config.smoke() ? 1000 : 20_000;
        int rate = ctx.config.logRate();
        int warmup = (int) Math.round(rate * ctx.config.logWarmupSeconds());
        String command = Launch.shellCommand(Launch.javaArgv(LogLines.EMITTER_JAVA_OPTIONS, LineEmitter.class.getName(),
                Integer.toString(warmup + lines), Integer.toString(rate)));
        String id = submit(http, base, token, new com.google.gson.Gson().toJson(Map.of("commands", List.of(command))));
        HttpURLConnection c = (HttpURLConnection) URI.create(base + "/api/v1/jobs/" + id + "/log").toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + token);
        c.setRequestProperty("Accept", "text/event-stream");
        c.setReadTimeout(120_000);
        if (c.getResponseCode() != 200) {
            throw new IllegalStateException("the SSE request answered " + c.getResponseCode());
        }
        CompletableFuture<Samples> blocking = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (InputStream in = c.getInputStream()) {
                blocking.complete(timedLines(in, warmup));
            } catch (Throwable t) {
                blocking.completeExceptionally(t);
            }
        }, "bench-sse-blocking");
        reader.setDaemon(true);
        reader.start();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "/log"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        Samples viaHttpClient;
        try (InputStream in = r.body()) {
            viaHttpClient = timedLines(in, warmup);
        }
        Samples samples = blocking.get(2, TimeUnit.MINUTES);
        for (Samples got : List.of(samples, viaHttpClient)) {
            if (got.size() != lines) {
                throw new IllegalStateException("an SSE client received " + got.size() + " of the " + lines + " timed lines");
            }
        }
        Samples.Stats stats = samples.stats();
        Samples.Stats jdk = viaHttpClient.stats();
        result.put("sseLine", result.latency(stats, ctx.rttMs()));
        result.put("sseLineViaHttpClient", result.latency(jdk, ctx.rttMs()));
        result.latencyRow("line printed -> SSE client has it (" + ScenarioResult.count(lines) + " at " + ScenarioResult.count(rate)
                + "/s, blocking client)", stats, ctx.rttMs(), "p99 <= 10 ms", stats.p99Ms() <= TARGET_LINE_P99_MS);
        result.latencyRow("the same with java.net.http.HttpClient, at once", jdk, ctx.rttMs(), "p99 <= 10 ms",
                jdk.p99Ms() <= TARGET_LINE_P99_MS);
    }

    /** Reads an SSE stream to the job's 'finished' event; each stamped output line's age on arrival, after the first {@code warmup}. */
    private static Samples timedLines(InputStream body, int warmup) throws IOException {
        Samples samples = new Samples();
        int seen = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            long now = Launch.wallMicros();
            JsonObject e = JsonParser.parseString(line.substring(6)).getAsJsonObject();
            if (e.has("e") && "finished".equals(e.get("e").getAsString())) {
                if (!"succeeded".equals(e.get("status").getAsString())) {
                    throw new IllegalStateException("the line-latency job ended " + e.get("status").getAsString() + ": " + e);
                }
                break;
            }
            if (!e.has("l") || !"out".equals(e.get("s").getAsString())) {
                continue;
            }
            long stamp;
            try {
                stamp = Long.parseLong(e.get("l").getAsString());
            } catch (NumberFormatException x) {
                continue;
            }
            if (seen++ >= warmup) {
                samples.add((now - stamp) * 1000);
            }
        }
        return samples;
    }

    private void fanOut(BenchContext ctx, ScenarioResult result, HttpClient http, String base, String token, long pid, int followers,
                        int lines) throws Exception {
        Path go = ctx.work.resolve("gateway-go-" + System.nanoTime());
        String id = submit(http, base, token, new com.google.gson.Gson().toJson(Map.of("commands",
                List.of("while [ ! -e '" + go + "' ]; do sleep 0.01; done; seq 1 " + lines))));
        List<LineCount> counts = new ArrayList<>();
        List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
        for (int i = 0; i < followers; i++) {
            LineCount c = new LineCount();
            counts.add(c);
            responses.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "/log"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(c)));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (counts.stream().anyMatch(c -> c.events.get() == 0)) {
            if (System.nanoTime() > deadline) {
                long connected = counts.stream().filter(c -> c.events.get() > 0).count();
                throw new IllegalStateException("only " + connected + " of " + followers + " SSE followers got their first event within 2 min");
            }
            Thread.sleep(10);
        }
        ProcStat connected = ProcStat.read(pid);
        int httpThreads = threadsNamed(pid, "gateway-http");
        long t0 = System.nanoTime();
        Files.createFile(go);
        for (CompletableFuture<HttpResponse<Void>> f : responses) {
            f.get(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ProcStat after = ProcStat.read(pid);
        int complete = 0;
        for (LineCount c : counts) {
            if (c.lines.get() == lines && c.finished) {
                complete++;
            }
        }
        if (complete != followers) {
            throw new IllegalStateException((followers - complete) + " of " + followers + " SSE followers missed lines or the end of the log");
        }
        double cpuPercent = 100.0 * (after.cpuTicks() - connected.cpuTicks()) / ProcStat.ticksPerSecond() / seconds;
        double delivered = (double) lines * followers / seconds;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("followers", followers);
        m.put("lines", lines);
        m.put("allDelivered", true);
        m.put("seconds", ScenarioResult.round(seconds));
        m.put("linesPerSecondDelivered", (double) Math.round(delivered));
        m.put("gatewayThreads", connected.threads());
        m.put("gatewayHttpThreads", httpThreads);
        m.put("gatewayHttpThreadsMax", HTTP_THREADS);
        m.put("gatewayRssMiB", ScenarioResult.round(connected.rssKiB() / 1024.0));
        m.put("gatewayPeakRssMiB", ScenarioResult.round(after.peakRssKiB() / 1024.0));
        m.put("gatewayCpuPercent", ScenarioResult.round(cpuPercent));
        m.put("gatewayJavaOptions", GATEWAY_JAVA_OPTIONS);
        result.put("sseFollowers", m);
        result.row(followers + " SSE followers x " + ScenarioResult.count(lines) + " lines", "all delivered, "
                + ScenarioResult.count(delivered) + " lines/s; gateway " + connected.threads() + " threads (" + httpThreads
                + " in its HTTP pool), "
                + Math.round(connected.rssKiB() / 1024.0) + " MiB RSS, " + Math.round(cpuPercent) + "% CPU", null,
                "every line to each of " + followers, true);
    }

    /**
     * Threads of the process whose name starts with {@code prefix}, from /proc/PID/task/TID/comm (the
     * kernel keeps 15 characters of a name). Jetty's pool grows while the followers' requests arrive
     * at once and then idles; no follower holds one of its threads.
     */
    private static int threadsNamed(long pid, String prefix) throws IOException {
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).startsWith(prefix)) {
                        n++;
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return n;
    }

    /** Counts one SSE follower's output lines and notes the end of the log, without a thread of its own. */
    private static final class LineCount implements Flow.Subscriber<String> {
        final AtomicInteger events = new AtomicInteger();
        final AtomicInteger lines = new AtomicInteger();
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
            events.incrementAndGet();
            if (line.contains("\"l\":")) {
                lines.incrementAndGet();
            } else if (line.contains("\"e\":\"finished\"")) {
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

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
