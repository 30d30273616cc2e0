package io.deployster.bench;

import io.deployster.run.ProcessGroup;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
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
 * Scenario 5: how many {@code true} jobs one worker gets through, at concurrency 1, 4 and 16. The
 * worker runs as deployed ({@code deployster worker} in a JVM of its own with bin/deployster's flags: no
 * C2 compiler, whose threads took a share of the cores inside this JVM), warmed up by a batch of jobs.
 * The jobs (one project each, so no lock is contended) are queued while the worker is stopped; the
 * figure is jobs divided by the time from its resuming to the last job's end. The CPU per job is the
 * worker's, its job processes', its lease watchdog's and Redis'. There is no no-op mode: every job runs
 * at least one process, which is what this measures.
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
        Keys keys = Keys.defaults(); // the worker command's
        JobQueue queue = JobQueue.create(ctx.redis, keys, QueueSettings.DEFAULT, null);
        double best = 0;
        int bestConcurrency = 0;
        for (int k = 0; k < ctx.config.throughputConcurrency().size(); k++) {
            int concurrency = ctx.config.throughputConcurrency().get(k);
            int n = ctx.config.throughputJobs().get(k);
            String queueName = ctx.namespace + "-throughput-" + concurrency;
            double submitSeconds;
            long t0;
            Map<String, BenchContext.JobTimes> times;
            CpuTimes used;
            double watchdog;
            try (WorkerProcess worker = WorkerProcess.start(ctx, queueName, WorkerProcess.DEPLOYED_JAVA_OPTIONS,
                    "--concurrency", Integer.toString(concurrency))) {
                // a worker that has served a while has compiled its path: the first jobs would time the JIT
                ctx.awaitSucceeded(keys, submit(ctx, queue, queueName, "warmup", ctx.config.throughputWarmup()));
                // the jobs wait in the queue, as for a worker that comes back to a backlog: the worker is
                // stopped while they are submitted, so the submitting takes no CPU from it
                worker.signal("STOP");
                long s0 = System.nanoTime();
                List<String> ids;
                try {
                    ids = submit(ctx, queue, queueName, "job", n);
                    submitSeconds = (System.nanoTime() - s0) / 1e9;
                } finally {
                    worker.signal("CONT");
                }
                t0 = System.currentTimeMillis();
                CpuTimes before = CpuTimes.take(worker.pid(), ctx.redis, ticks);
                double watchdogBefore = watchdogCpuSeconds(worker.pid());
                times = ctx.awaitSucceeded(keys, ids);
                used = CpuTimes.take(worker.pid(), ctx.redis, ticks).minus(before);
                watchdog = watchdogCpuSeconds(worker.pid()) - watchdogBefore;
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

    private static List<String> submit(BenchContext ctx, JobQueue queue, String queueName, String name, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(queue.submit(ctx.job(queueName + "-" + name + "-" + i, queueName, "true")));
        }
        return ids;
    }

    // The worker's lease watchdog (a bash process, run.LeaseWatchdog): its CPU time so far, 0 when not found.
    private static double watchdogCpuSeconds(long workerPid) {
        return ProcessHandle.of(workerPid).stream().flatMap(ProcessHandle::children).filter(JobThroughput::isWatchdog)
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
}
