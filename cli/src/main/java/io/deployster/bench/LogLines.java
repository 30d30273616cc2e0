package io.deployster.bench;

import io.deployster.log.LogEntry;
import io.deployster.protocol.LogField;
import io.deployster.queue.QueueSettings;
import io.deployster.worker.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Scenario 4, the live log. Latency: a job prints wall-clock stamps at a steady rate, one write per
 * line; the follower subtracts each from its own wall clock on receipt (same host, same clock), so the
 * figure covers the whole path: pipe, worker's line reader and log writer, Redis, follower.
 * Throughput: a job runs {@code seq 1 N} (as fast as it can print) with one follower, then with 50.
 */
final class LogLines implements Scenario {
    static final double TARGET_P99_MS = 10;
    static final double TARGET_LINES_PER_SECOND = 200_000;
    /** The emitter is a small JVM of its own; keep it from competing for the cores it is measured on. */
    static final String EMITTER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m";

    @Override
    public String name() {
        return "log-lines";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        Worker worker = ctx.startWorker("log", 1, "log");
        try {
            latency(ctx, result);
            oneFollower(ctx, result);
            manyFollowers(ctx, result);
            redisReference(ctx, result);
        } finally {
            ctx.stopWorker(worker);
        }
    }

    private void latency(BenchContext ctx, ScenarioResult result) throws Exception {
        int lines = ctx.config.logLatencyLines();
        int rate = ctx.config.logRate();
        // a fresh JVM prints the lines and the worker's line path compiles: not counted
        int warmup = (int) Math.round(rate * ctx.config.logWarmupSeconds());
        String command = Launch.shellCommand(Launch.javaArgv(EMITTER_JAVA_OPTIONS, LineEmitter.class.getName(),
                Integer.toString(warmup + lines), Integer.toString(rate)));
        Samples samples = new Samples();
        long[] seen = new long[3]; // lines, first stamp, last stamp
        String id = ctx.queue.submit(ctx.job("log-latency", "log", command));
        JobWatch watch = new JobWatch(ctx.follower, ctx.queue, id, entry -> {
            long now = Launch.wallMicros();
            if (!LogEntry.STDOUT.equals(entry.stream())) {
                return;
            }
            long stamp;
            try {
                stamp = Long.parseLong(entry.text());
            } catch (NumberFormatException e) {
                return;
            }
            if (seen[0]++ >= warmup) {
                samples.add((now - stamp) * 1000);
                seen[1] = seen[1] == 0 ? stamp : seen[1];
                seen[2] = stamp;
            }
        });
        watch.run();
        watch.awaitSucceeded(600);
        if (samples.size() != lines) {
            throw new IllegalStateException("the follower received " + samples.size() + " of the " + lines + " timed lines");
        }
        Samples.Stats stats = samples.stats();
        double achieved = (lines - 1) / Math.max(1e-6, (seen[2] - seen[1]) / 1e6);
        result.put("latency", result.latency(stats, ctx.rttMs()));
        result.put("latencyLines", lines);
        result.put("latencyWarmupLines", warmup);
        result.put("latencyRateLinesPerSecond", (double) Math.round(achieved));
        result.latencyRow("line printed -> follower has it (" + ScenarioResult.count(lines) + " lines at "
                + ScenarioResult.count(achieved) + "/s)", stats, ctx.rttMs(), "p99 <= 10 ms", stats.p99Ms() <= TARGET_P99_MS);
    }

    private void oneFollower(BenchContext ctx, ScenarioResult result) throws Exception {
        int lines = ctx.config.logThroughputLines();
        String id = ctx.queue.submit(ctx.job("log-throughput", "log", "seq 1 " + lines));
        LineCounter counter = new LineCounter();
        JobWatch watch = new JobWatch(ctx.follower, ctx.queue, id, counter);
        watch.run();
        watch.awaitSucceeded(600);
        counter.expect(lines);
        double rate = lines / counter.seconds(counter.first);
        result.put("oneFollower", figures(lines, 1, counter.seconds(counter.first), rate, rate));
        result.row("seq " + ScenarioResult.count(lines) + ", 1 follower", ScenarioResult.count(rate) + " lines/s", null,
                ">= 200,000 lines/s", rate >= TARGET_LINES_PER_SECOND);
    }

    private void manyFollowers(BenchContext ctx, ScenarioResult result) throws Exception {
        int lines = ctx.config.logThroughputLines();
        int n = ctx.config.followers();
        String id = ctx.queue.submit(ctx.job("log-fanout", "log", "seq 1 " + lines));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "bench-follower");
            t.setDaemon(true);
            return t;
        });
        List<LineCounter> counters = new ArrayList<>();
        List<JobWatch> watches = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                LineCounter counter = new LineCounter();
                JobWatch watch = new JobWatch(ctx.follower, ctx.queue, id, counter);
                counters.add(counter);
                watches.add(watch);
                pool.execute(watch);
            }
            for (JobWatch watch : watches) {
                watch.awaitSucceeded(600);
            }
        } finally {
            pool.shutdownNow();
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (LineCounter c : counters) {
            c.expect(lines);
            first = Math.min(first, c.first);
            last = Math.max(last, c.last);
        }
        double slowest = Double.MAX_VALUE;
        for (LineCounter c : counters) {
            slowest = Math.min(slowest, lines / c.seconds(first));
        }
        double delivered = (double) lines * n / ((last - first) / 1e9);
        result.put("manyFollowers", figures(lines, n, (last - first) / 1e9, slowest, delivered));
        result.row("seq " + ScenarioResult.count(lines) + ", " + n + " followers",
                ScenarioResult.count(slowest) + " lines/s each (" + ScenarioResult.count(delivered) + " delivered/s)", null, null, null);
    }

    /**
     * For reference, what one client gets from Redis on this machine with one stream entry per line,
     * written as the worker writes them (pipelined XADD, batches of 2,000) and then read as a follower
     * reads them (XREAD COUNT 5000), with nothing else running: the cost the figures above pay per line.
     */
    private void redisReference(BenchContext ctx, ScenarioResult result) {
        int lines = ctx.config.logThroughputLines();
        String key = ctx.keys.log("reference");
        XAddParams trim = XAddParams.xAddParams().maxLen(QueueSettings.DEFAULT.logMaxLen()).approximateTrimming();
        long t0 = System.nanoTime();
        for (int start = 0; start < lines; start += 2000) {
            int from = start;
            int to = Math.min(lines, from + 2000);
            ctx.redis.run(j -> {
                Pipeline p = j.pipelined();
                String ts = Long.toString(System.currentTimeMillis());
                for (int i = from; i < to; i++) {
                    p.xadd(key, trim, Map.of(LogField.STREAM, LogEntry.STDOUT, LogField.LINE, Integer.toString(i + 1), LogField.TS, ts));
                }
                p.sync();
            });
        }
        double written = lines / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        long read = 0;
        StreamEntryID last = new StreamEntryID(0, 0);
        try (Jedis j = ctx.redis.borrow()) {
            while (read < lines) {
                List<Map.Entry<String, List<StreamEntry>>> reply = j.xread(XReadParams.xReadParams().count(5000), Map.of(key, last));
                List<StreamEntry> entries = reply.get(0).getValue();
                read += entries.size();
                last = entries.get(entries.size() - 1).getID();
            }
            j.del(key);
        }
        double readRate = lines / ((System.nanoTime() - t1) / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lines", lines);
        m.put("xaddPerSecond", (double) Math.round(written));
        m.put("xreadEntriesPerSecond", (double) Math.round(readRate));
        result.put("redisReference", m);
        result.row("reference: 1 client alone, XADD / XREAD, 1 entry per line",
                ScenarioResult.count(written) + " / " + ScenarioResult.count(readRate) + " lines/s", null, null, null);
    }

    private static Map<String, Object> figures(int lines, int followers, double seconds, double perFollower, double delivered) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lines", lines);
        m.put("followers", followers);
        m.put("seconds", ScenarioResult.round(seconds));
        m.put("linesPerSecond", (double) Math.round(perFollower));
        m.put("linesPerSecondDelivered", (double) Math.round(delivered));
        return m;
    }

    /** Counts one follower's output lines and when the first and the last arrived. */
    private static final class LineCounter implements Consumer<LogEntry> {
        volatile long count;
        volatile long first;
        volatile long last;

        @Override
        public void accept(LogEntry entry) {
            long now = System.nanoTime();
            if (count++ == 0) {
                first = now;
            }
            last = now;
        }

        /** Seconds from {@code from} to the last line. */
        double seconds(long from) {
            return Math.max(1, last - from) / 1e9;
        }

        void expect(int lines) {
            if (count != lines) {
                throw new IllegalStateException("a follower received " + count + " of the " + lines + " lines");
            }
        }
    }
}
