package io.deployster.bench;

import io.deployster.redis.Keys;
import io.deployster.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 6. The idle worker: {@code deployster worker} in a JVM of its own (this program's jar),
 * once with the JVM's default settings (a worker started with plain {@code java -jar}) and once with small-host
 * flags; after it settles, its CPU time and resident memory over the idle period, from /proc.
 * Redis memory: used_memory before and after a batch of {@code true} jobs whose hashes and logs are
 * kept for the retention period, per job, with the share of each key.
 */
final class Footprint implements Scenario {
    static final double TARGET_CPU_PERCENT = 1;
    static final double TARGET_RSS_MIB = 64;

    @Override
    public String name() {
        return "footprint";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        result.put("idleSeconds", ctx.config.idleSeconds());
        idle(ctx, result, "defaultJvm", "JVM defaults", "");
        idle(ctx, result, "tunedJvm", "small-host flags", ctx.config.tunedJavaOptions());
        redisMemory(ctx, result);
    }

    private void idle(BenchContext ctx, ScenarioResult result, String key, String label, String javaOptions) throws Exception {
        try (WorkerProcess worker = WorkerProcess.start(ctx, ctx.namespace + "-idle-" + key, javaOptions)) {
            Thread.sleep((long) (ctx.config.settleSeconds() * 1000));
            long pid = worker.pid();
            ProcStat before = ProcStat.read(pid);
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(ctx.config.idleSeconds());
            long maxRss = before.rssKiB();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
                maxRss = Math.max(maxRss, ProcStat.read(pid).rssKiB());
            }
            ProcStat after = ProcStat.read(pid);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = 100.0 * (after.cpuTicks() - before.cpuTicks()) / ProcStat.ticksPerSecond() / seconds;
            double rss = after.rssKiB() / 1024.0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("javaOptions", javaOptions);
            m.put("cpuPercent", ScenarioResult.round(cpu));
            m.put("rssMiB", ScenarioResult.round(rss));
            m.put("maxRssMiB", ScenarioResult.round(maxRss / 1024.0));
            m.put("peakRssMiB", ScenarioResult.round(after.peakRssKiB() / 1024.0));
            m.put("threads", after.threads());
            result.put(key, m);
            result.row("idle worker, " + label + ": CPU", String.format(Locale.ROOT, "%.2f %%", cpu), null,
                    "~0 % (<= 1 %)", cpu <= TARGET_CPU_PERCENT);
            result.row("idle worker, " + label + ": RSS", String.format(Locale.ROOT, "%.1f MiB (peak %.1f)", rss,
                    after.peakRssKiB() / 1024.0), null, "<= 64 MiB", rss <= TARGET_RSS_MIB);
        }
    }

    private void redisMemory(BenchContext ctx, ScenarioResult result) throws Exception {
        int n = ctx.config.memoryJobs();
        Worker worker = ctx.startWorker("memory", 4, "memory");
        List<String> ids = new ArrayList<>(n);
        long before;
        long after;
        try {
            // creates the queue stream and its group, so the delta is the jobs' own
            ctx.awaitSucceeded(List.of(ctx.queue.submit(ctx.job("memory-warmup", "memory", "true"))));
            before = Long.parseLong(ctx.info("memory", "used_memory"));
            for (int i = 0; i < n; i++) {
                ids.add(ctx.queue.submit(ctx.job("memory-" + i, "memory", "true")));
            }
            ctx.awaitSucceeded(ids);
            after = Long.parseLong(ctx.info("memory", "used_memory"));
        } finally {
            ctx.stopWorker(worker);
        }
        String sample = ids.get(ids.size() / 2);
        long hash = ctx.redis.call(j -> j.memoryUsage(ctx.keys.job(sample), 0));
        long logStream = ctx.redis.call(j -> j.memoryUsage(ctx.keys.log(sample), 0));
        long queueStream = ctx.redis.call(j -> j.memoryUsage(ctx.keys.queue("memory"), 0));
        double queuePerJob = queueStream / (double) (n + 1);
        double perJob = (after - before) / (double) n;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobs", n);
        m.put("usedMemoryDeltaBytes", after - before);
        m.put("bytesPerJob", ScenarioResult.round(perJob));
        m.put("jobHashBytes", hash);
        m.put("logStreamBytes", logStream);
        m.put("queueStreamBytes", queueStream);
        m.put("queueStreamBytesPerJob", ScenarioResult.round(queuePerJob));
        result.put("redisMemory", m);
        result.row("Redis memory per finished job (" + ScenarioResult.count(n) + ", kept for retention)",
                String.format(Locale.ROOT, "%,.0f B (job hash %,d + log %,d, queue stream %,.0f)", perJob, hash, logStream,
                        queuePerJob), null, null, null);
    }
}
