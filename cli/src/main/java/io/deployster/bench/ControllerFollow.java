package io.deployster.bench;

import io.deployster.jenkins.follow.ControllerRedis;
import io.deployster.jenkins.follow.SharedRedis;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogMultiplexer;
import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
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
 * controller's threads and Redis connections, and how long a line takes from XADD to its listener.
 * The emitter stands in for the workers so that N = 1,000 fits on a small machine; the path measured
 * (Redis stream → multiplexed XREAD → listener) is the one the plugin's steps use.
 */
final class ControllerFollow implements Scenario {
    static final int ROUND_MILLIS = 100;
    static final int WARMUP_ROUNDS = 10;

    @Override
    public String name() {
        return "controller-follow";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Integer> sizes = ctx.config.smoke() ? List.of(3, 10) : List.of(10, 100, 1000);
        int rounds = WARMUP_ROUNDS + (ctx.config.smoke() ? 10 : 100);
        for (int n : sizes) {
            result.put("n" + n, one(ctx, result, n, rounds));
        }
    }

    private Map<String, Object> one(BenchContext ctx, ScenarioResult result, int n, int rounds) throws Exception {
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
                shared.logs().follow(id, "0-0", new LogMultiplexer.Listener() {
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
            try (Jedis jedis = ctx.redis.borrow()) {
                long next = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    if (r == WARMUP_ROUNDS) {
                        countFrom.set(Launch.wallMicros());
                    }
                    emit(jedis, keys, ids, false);
                    if (r == rounds / 2) {
                        threads = countThreads();
                        connections = countConnections(jedis);
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(ROUND_MILLIS);
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                }
                emit(jedis, keys, ids, true);
                if (!ended.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(ended.getCount() + " of " + n + " followers did not see their end");
                }
                Pipeline p = jedis.pipelined();
                for (String id : ids) {
                    p.del(keys.log(id));
                }
                p.sync();
            }
            Samples.Stats stats = samples.stats();
            figures.put("deploys", n);
            figures.put("threads", threads);
            figures.put("connections", connections);
            figures.put("lines", lines.get());
            figures.put("latency", result.latency(stats, ctx.rttMs()));
            result.latencyRow(n + " followed deploys, " + threads + " threads, " + connections + " connections ("
                    + ScenarioResult.count(lines.get()) + " lines)", stats, ctx.rttMs(), "p99 <= 10 ms, <= 4 threads, <= 8 conn",
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

    private static int countThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(ControllerRedis.THREAD_PREFIX)).count();
    }

    private static int countConnections(Jedis jedis) {
        return (int) jedis.clientList().lines().filter(l -> l.contains(" name=" + SharedRedis.CLIENT_NAME + " ")).count();
    }
}
