package io.deployster.bench;

import io.deployster.run.ProcessGroup;
import io.deployster.worker.Worker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 5: how many {@code true} jobs one worker gets through, at concurrency 1, 4 and 16. The jobs
 * (one project each, so no lock is contended) are queued before the worker starts; the figure is jobs
 * divided by the time from the worker's start to the last job's end. There is no no-op mode: every
 * job runs at least one process, which is what this measures.
 */
final class JobThroughput implements Scenario {
    static final double TARGET_JOBS_PER_SECOND = 1_000;

    @Override
    public String name() {
        return "job-throughput";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        double ticks = ProcStat.ticksPerSecond();
        warmUp(ctx);
        double best = 0;
        int bestConcurrency = 0;
        for (int k = 0; k < ctx.config.throughputConcurrency().size(); k++) {
            int concurrency = ctx.config.throughputConcurrency().get(k);
            int n = ctx.config.throughputJobs().get(k);
            String queue = "throughput-" + concurrency;
            long s0 = System.nanoTime();
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(ctx.queue.submit(ctx.job(queue + "-" + i, queue, "true")));
            }
            double submitSeconds = (System.nanoTime() - s0) / 1e9;
            long t0 = System.currentTimeMillis();
            CpuTimes before = CpuTimes.take(ctx.redis, ticks);
            Worker worker = ctx.startWorker(queue, concurrency, queue);
            Map<String, BenchContext.JobTimes> times;
            CpuTimes used;
            double watchdog;
            try {
                times = ctx.awaitSucceeded(ids);
                used = CpuTimes.take(ctx.redis, ticks).minus(before);
                watchdog = watchdogCpuSeconds();
            } finally {
                ctx.stopWorker(worker);
            }
            long end = times.values().stream().mapToLong(BenchContext.JobTimes::endedAt).max().orElseThrow();
            double seconds = Math.max(1, end - t0) / 1000.0;
            double rate = n / seconds;
            int spawnCount = Math.max(20, n / 2);
            CpuTimes beforeSpawns = CpuTimes.take(ctx.redis, ticks);
            double spawns = spawnCeiling(ctx, concurrency, spawnCount, ProcessGroup::start);
            CpuTimes spawnsUsed = CpuTimes.take(ctx.redis, ticks).minus(beforeSpawns);
            double jdkSpawns = spawnCeiling(ctx, concurrency, spawnCount, ProcessGroup::startThroughJdk);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobs", n);
            m.put("seconds", ScenarioResult.round(seconds));
            m.put("jobsPerSecond", ScenarioResult.round(rate));
            m.put("submitsPerSecond", ScenarioResult.round(n / submitSeconds));
            m.put("spawnsPerSecond", ScenarioResult.round(spawns));
            m.put("percentOfBareSpawns", ScenarioResult.round(100 * rate / spawns));
            m.put("spawnsPerSecondThroughJdk", ScenarioResult.round(jdkSpawns));
            Map<String, Object> perJob = new LinkedHashMap<>();
            perJob.put("jvm", ms(used.jvm(), n));
            perJob.put("jobProcesses", ms(used.reapedChildren(), n));
            perJob.put("leaseWatchdog", ms(watchdog, n));
            perJob.put("redis", ms(used.redis(), n));
            m.put("cpuMillisPerJob", perJob);
            double switches = (double) used.jvmContextSwitches() / n;
            m.put("jvmContextSwitchesPerJob", ScenarioResult.round(switches));
            m.put("cpuMillisPerBareSpawn", Map.of("jvm", ms(spawnsUsed.jvm(), spawnCount), "processes", ms(spawnsUsed.reapedChildren(), spawnCount)));
            result.put("concurrency" + concurrency, m);
            result.row("'true' jobs, concurrency " + concurrency + " (" + ScenarioResult.count(n) + ")",
                    String.format(Locale.ROOT, "%,.0f jobs/s = %.0f%% of bare spawns (%,.0f/s)", rate, 100 * rate / spawns, spawns), null, null, null);
            result.row("  bare spawns through the JDK and setsid(1)", String.format(Locale.ROOT, "%,.0f/s", jdkSpawns), null, null, null);
            result.row("  CPU per job (bare spawn)", String.format(Locale.ROOT,
                    "JVM %.2f (%.2f), its processes %.2f (%.2f), lease watchdog %.2f, Redis %.2f ms", perJob.get("jvm"),
                    ms(spawnsUsed.jvm(), spawnCount), perJob.get("jobProcesses"), ms(spawnsUsed.reapedChildren(), spawnCount),
                    perJob.get("leaseWatchdog"), perJob.get("redis")), null, null, null);
            result.row("  JVM context switches per job", String.format(Locale.ROOT, "%.1f", switches), null, null, null);
            if (rate > best) {
                best = rate;
                bestConcurrency = concurrency;
            }
        }
        result.put("bestJobsPerSecond", ScenarioResult.round(best));
        result.put("bestConcurrency", bestConcurrency);
        result.put("noOpMode", "none: every job runs at least one process");
        result.row("best of the above (concurrency " + bestConcurrency + ")", String.format(Locale.ROOT, "%,.0f jobs/s", best),
                null, ">= 1,000 jobs/s", best >= TARGET_JOBS_PER_SECOND);
    }

    private static double ms(double seconds, int count) {
        return ScenarioResult.round(1000 * seconds / count);
    }

    // The worker's lease watchdog (a bash process, run.LeaseWatchdog): its CPU time so far, 0 when not found.
    private static double watchdogCpuSeconds() {
        return ProcessHandle.current().children().filter(JobThroughput::isWatchdog)
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }

    // its argv ends with the name it gives itself ($0 of bash -c); the JDK's commandLine() leaves out long ones
    private static boolean isWatchdog(ProcessHandle p) {
        try {
            String argv = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1);
            return argv.endsWith("\0deployster-lease-watchdog\0");
        } catch (IOException e) {
            return false; // it ended meanwhile
        }
    }

    /** One way to start a command in a session of its own. */
    private interface Launcher {
        ProcessGroup start(List<String> argv, File dir, Map<String, String> env) throws IOException;
    }

    /**
     * The floor of this scenario, as the round trip is the floor of the latencies: how many processes
     * per second this JVM can start the way a job's command is started ({@code /bin/sh -c true} in a
     * session of its own, output read, exit awaited), with as many threads as the worker has slots, and
     * nothing else.
     */
    private static double spawnCeiling(BenchContext ctx, int concurrency, int n, Launcher launcher) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            AtomicInteger left = new AtomicInteger(n);
            List<Future<?>> runs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < concurrency; t++) {
                runs.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        Process p = launcher.start(List.of("/bin/sh", "-c", "true"), ctx.site.toFile(), Map.of()).process();
                        p.getInputStream().readAllBytes();
                        p.getErrorStream().readAllBytes();
                        p.waitFor();
                        p.getInputStream().close();
                        p.getErrorStream().close();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    // Compiles the worker's and the scripts' paths before anything is timed: the JIT's compiler threads
    // would otherwise take a large share of the two cores from the first phases (a worker that has
    // served a while has long compiled them).
    private static void warmUp(BenchContext ctx) throws InterruptedException {
        Worker worker = ctx.startWorker("throughput-warmup", 16, "throughput-warmup");
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ctx.config.throughputWarmup(); i++) {
                ids.add(ctx.queue.submit(ctx.job("throughput-warmup-" + i, "throughput-warmup", "true")));
            }
            ctx.awaitSucceeded(ids);
        } finally {
            ctx.stopWorker(worker);
        }
    }
}
