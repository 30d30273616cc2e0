package io.deployster.bench;

import io.deployster.jenkins.follow.ControllerRedis;
import io.deployster.jenkins.follow.SharedRedis;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogMultiplexer;
import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

/**
 * The Jenkins controller's side of N concurrent deploys: one {@link ControllerRedis} follows N job logs
 * while an emitter writes a stamped line into each log every 100 ms (as N workers would). Reports the
 * controller's threads and Redis connections, how long a line takes from XADD to its listener, and the
 * CPU time per line of the log reader thread and of Redis (these two hold on a busy machine, where the
 * latency does not). Two timings of the writes: {@code burst}, every job's line at the start of each
 * round (N workers printing at the same instant: the worst case), and {@code spread}, the N jobs in 10
 * slices 10 ms apart (independent workers, each at its own phase). The emitter stands in for the
 * workers so that N = 1,000 fits on a small machine; the path measured (Redis stream → multiplexed
 * XREAD → listener, each follower's console position recorded in the same round trips) is the one the
 * plugin's steps use.
 */
final class ControllerFollow implements Scenario {
    static final int ROUND_MILLIS = 100;
    static final int WARMUP_ROUNDS = 10;
    /** The Jenkins build the followed deploys belong to, for their console position keys. */
    private static final String BUILD = "bench-follow#1";

    @Override
    public String name() {
        return "controller-follow";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Integer> sizes = ctx.config.smoke() ? List.of(3, 10) : List.of(10, 100, 1000);
        int rounds = WARMUP_ROUNDS + (ctx.config.smoke() ? 10 : 100);
        for (int n : sizes) {
            result.put("n" + n, one(ctx, result, n, rounds, false));
            result.put("n" + n + "-spread", one(ctx, result, n, rounds, true));
        }
    }

    private Map<String, Object> one(BenchContext ctx, ScenarioResult result, int n, int rounds, boolean spread) throws Exception {
        Keys keys = Keys.defaults();
        String run = "bench-follow-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(run + "-" + i);
        }
        Samples samples = new Samples();
        AtomicLong lines = new AtomicLong();
        // the first rounds compile the read path: lines stamped before this are not counted
        AtomicLong countFrom = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch ended = new CountDownLatch(n);
        Map<String, Object> figures = new LinkedHashMap<>();
        try (ControllerRedis controller = new ControllerRedis()) {
            ((ThreadPoolExecutor) controller.work()).prestartAllCoreThreads();
            SharedRedis shared = controller.of(ctx.uri);
            for (String id : ids) {
                // as a step does: the console position recorded in Redis with each read (crash-safe resume)
                shared.logs().follow(id, "0-0", shared.consolePosition(id, BUILD, Duration.ofSeconds(60)), new LogMultiplexer.Listener() {
                    @Override
                    public void onEntry(LogEntry entry) {
                        long now = Launch.wallMicros();
                        if (entry.isFinished()) {
                            ended.countDown();
                        } else if (entry.isLine() && Long.parseLong(entry.text()) >= countFrom.get()) {
                            synchronized (samples) {
                                samples.add((now - Long.parseLong(entry.text())) * 1000);
                            }
                            lines.incrementAndGet();
                        }
                    }
                });
            }
            int threads = 0;
            int connections = 0;
            long readerCpu = 0;
            double redisCpu = 0;
            long countedLines = 0;
            int slices = spread ? Math.min(10, n) : 1;
            try (Jedis jedis = ctx.redis.borrow()) {
                long next = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    if (r == WARMUP_ROUNDS) {
                        countFrom.set(Launch.wallMicros());
                        readerCpu = -readerCpuNanos();
                        redisCpu = -redisCpuSeconds(jedis);
                        countedLines = -lines.get();
                    }
                    for (int slice = 0; slice < slices; slice++) {
                        int from = ids.size() * slice / slices;
                        emit(jedis, keys, ids.subList(from, ids.size() * (slice + 1) / slices), false);
                        next += TimeUnit.MILLISECONDS.toNanos(ROUND_MILLIS) / slices;
                        long sleep = next - System.nanoTime();
                        if (sleep > 0) {
                            TimeUnit.NANOSECONDS.sleep(sleep);
                        }
                    }
                    if (r == rounds / 2) {
                        threads = countThreads();
                        connections = countConnections(jedis);
                    }
                }
                readerCpu += readerCpuNanos();
                redisCpu += redisCpuSeconds(jedis);
                countedLines += lines.get();
                emit(jedis, keys, ids, true);
                if (!ended.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(ended.getCount() + " of " + n + " followers did not see their end");
                }
                Pipeline p = jedis.pipelined();
                for (String id : ids) {
                    p.del(keys.log(id), keys.consolePosition(id, BUILD));
                }
                p.sync();
            }
            Samples.Stats stats = samples.stats();
            double readerMicrosPerLine = countedLines == 0 ? 0 : readerCpu / 1000.0 / countedLines;
            double redisMicrosPerLine = countedLines == 0 ? 0 : redisCpu * 1e6 / countedLines;
            figures.put("deploys", n);
            figures.put("writes", spread ? "spread" : "burst");
            figures.put("threads", threads);
            figures.put("connections", connections);
            figures.put("lines", lines.get());
            figures.put("readerCpuMicrosPerLine", ScenarioResult.round(readerMicrosPerLine));
            figures.put("redisCpuMicrosPerLine", ScenarioResult.round(redisMicrosPerLine));
            figures.put("latency", result.latency(stats, ctx.rttMs()));
            result.latencyRow(n + " followed deploys (" + (spread ? "spread" : "burst") + "), " + threads + " threads, "
                    + connections + " conn, CPU/line reader " + String.format("%.1f", readerMicrosPerLine) + " µs, Redis "
                    + String.format("%.1f", redisMicrosPerLine) + " µs", stats, ctx.rttMs(), "p99 <= 10 ms, <= 4 threads, <= 8 conn",
                    stats.p99Ms() <= 10 && threads <= 4 && connections <= 8);
        }
        return figures;
    }

    /** One line per job, stamped as it is written; pipelined per 100 jobs like independent workers' writes. */
    private static void emit(Jedis jedis, Keys keys, List<String> ids, boolean finished) {
        for (int from = 0; from < ids.size(); from += 100) {
            Pipeline p = jedis.pipelined();
            for (String id : ids.subList(from, Math.min(ids.size(), from + 100))) {
                long stamp = Launch.wallMicros();
                Map<String, String> fields = finished
                        ? Map.of(LogField.EVENT, Event.FINISHED, LogField.STATUS, JobStatus.SUCCEEDED.wireName(), LogField.TS, Long.toString(stamp / 1000))
                        : Map.of(LogField.STREAM, LogEntry.STDOUT, LogField.LINE, Long.toString(stamp), LogField.TS, Long.toString(stamp / 1000));
                p.xadd(keys.log(id), StreamEntryID.NEW_ENTRY, fields);
            }
            p.sync();
        }
    }

    /** CPU time of the log reader threads (of every Redis followed: one here). */
    private static long readerCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(ControllerRedis.THREAD_PREFIX + "logs-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** Redis' own CPU time so far (user + system), from INFO cpu. */
    private static double redisCpuSeconds(Jedis jedis) {
        double sum = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return sum;
    }

    private static int countThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(ControllerRedis.THREAD_PREFIX)).count();
    }

    private static int countConnections(Jedis jedis) {
        return (int) jedis.clientList().lines().filter(l -> l.contains(" name=" + SharedRedis.CLIENT_NAME + " ")).count();
    }
}
