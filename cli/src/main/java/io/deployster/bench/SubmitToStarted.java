package io.deployster.bench;

import io.deployster.job.JobSpec;
import io.deployster.log.LogFollower;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 2: a producer submits a job to an idle worker and follows its log; measured from the
 * moment submit is called to the moment the follower holds the 'started' event, both on this JVM's
 * monotonic clock. One job at a time, with a 1 ms pause so the worker is back in its blocking read.
 * The worker runs as {@code bin/deployster worker} runs it, in a JVM of its own with that command's
 * flags: inside this JVM, the latency included this JVM's C2 compiler threads, which a deployed worker
 * (client compiler only) does not have (docs/benchmarks.md).
 */
final class SubmitToStarted implements Scenario {
    static final double TARGET_P99_MS = 5;
    private static final int SETTLE_SECONDS = 60;
    /** JIT compilation time per second of warm-up below which the compiler counts as quiet... */
    private static final long QUIET_COMPILE_MILLIS = 5;
    /** ...for this many seconds in a row. */
    private static final int QUIET_SECONDS = 3;

    @Override
    public String name() {
        return "submit-started";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        int n = ctx.config.submitJobs();
        int warmup = ctx.config.submitWarmup();
        String queueName = ctx.namespace + "-submit";
        Keys keys = Keys.defaults(); // the worker command's
        JobQueue queue = JobQueue.create(ctx.redis, keys, QueueSettings.DEFAULT, null);
        LogFollower follower = new LogFollower(ctx.redis, keys);
        JobSpec spec = ctx.job("submit", queueName, "true");
        Samples samples = new Samples();
        int warmedUp;
        try (WorkerProcess worker = WorkerProcess.start(ctx, queueName, WorkerProcess.DEPLOYED_JAVA_OPTIONS, "--concurrency", "1")) {
            warmedUp = warmUp(queue, follower, spec, warmup, ctx.config.smoke() ? 0 : SETTLE_SECONDS);
            for (int i = 0; i < n; i++) {
                samples.add(submitAndFollow(queue, follower, spec));
            }
        }
        Samples.Stats stats = samples.stats();
        result.put("jobs", n);
        result.put("warmupJobs", warmedUp);
        result.put("latency", result.latency(stats, ctx.rttMs()));
        result.latencyRow("submit -> 'started' seen by follower (" + ScenarioResult.count(n) + " jobs)", stats, ctx.rttMs(),
                "p99 <= 5 ms", stats.p99Ms() <= TARGET_P99_MS);
    }

    // The configured number of jobs, then more until this JVM's JIT compiler has been quiet for
    // QUIET_SECONDS (at most settleSeconds more): busy with what the scenarios before this one ran, its threads took
    // the cores from the path measured here. A producer that has served a while has long compiled it.
    private static int warmUp(JobQueue queue, LogFollower follower, JobSpec spec, int jobs, int settleSeconds) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        int done = 0;
        for (; done < jobs; done++) {
            submitAndFollow(queue, follower, spec);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
        long compiled = jit.getTotalCompilationTime();
        long lookedAt = System.nanoTime();
        int quiet = 0;
        while (quiet < QUIET_SECONDS && System.nanoTime() < deadline) {
            submitAndFollow(queue, follower, spec);
            done++;
            if (System.nanoTime() - lookedAt >= TimeUnit.SECONDS.toNanos(1)) {
                long now = jit.getTotalCompilationTime();
                quiet = now - compiled < QUIET_COMPILE_MILLIS ? quiet + 1 : 0;
                compiled = now;
                lookedAt = System.nanoTime();
            }
        }
        return done;
    }

    // One job: ns from submit to its 'started' event in the follower's hands; returns once it succeeded.
    private static long submitAndFollow(JobQueue queue, LogFollower follower, JobSpec spec) throws Exception {
        Thread.sleep(1);
        long t0 = System.nanoTime();
        String id = queue.submit(spec);
        JobWatch watch = new JobWatch(follower, queue, id);
        watch.run();
        long started = watch.awaitStarted(60);
        watch.awaitSucceeded(60);
        return started - t0;
    }
}
