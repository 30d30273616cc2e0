package io.deployster.bench;

import io.deployster.job.JobSpec;
import io.deployster.worker.Worker;

/**
 * Scenario 2: a producer submits a job to an idle worker and follows its log; measured from the
 * moment submit is called to the moment the follower holds the 'started' event, both on this JVM's
 * monotonic clock. One job at a time, with a 1 ms pause so the worker is back in its blocking read.
 */
final class SubmitToStarted implements Scenario {
    static final double TARGET_P99_MS = 5;

    @Override
    public String name() {
        return "submit-started";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        int n = ctx.config.submitJobs();
        int warmup = ctx.config.submitWarmup();
        Worker worker = ctx.startWorker("submit", 1, "submit");
        JobSpec spec = ctx.job("submit", "submit", "true");
        Samples samples = new Samples();
        for (int i = 0; i < warmup + n; i++) {
            Thread.sleep(1);
            long t0 = System.nanoTime();
            String id = ctx.queue.submit(spec);
            JobWatch watch = new JobWatch(ctx.follower, ctx.queue, id);
            watch.run();
            long started = watch.awaitStarted(60);
            watch.awaitSucceeded(60);
            if (i >= warmup) {
                samples.add(started - t0);
            }
        }
        ctx.stopWorker(worker);
        Samples.Stats stats = samples.stats();
        result.put("jobs", n);
        result.put("warmupJobs", warmup);
        result.put("latency", result.latency(stats, ctx.rttMs()));
        result.latencyRow("submit -> 'started' seen by follower (" + ScenarioResult.count(n) + " jobs)", stats, ctx.rttMs(),
                "p99 <= 5 ms", stats.p99Ms() <= TARGET_P99_MS);
    }
}
