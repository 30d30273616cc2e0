package io.deployster.bench;

import io.deployster.job.JobSpec;
import io.deployster.worker.Worker;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario 3: a chain of jobs of one project. While job A runs ({@code sleep}), job B is submitted and
 * parked behind A's lock; A ends, the finish script hands the lock to B and re-queues it, the worker
 * starts B. Measured from A's 'finished' event to B's 'started' event, each as seen by a follower of
 * its own blocked on that job's log (as two users would), on this JVM's monotonic clock.
 */
final class LockHandoff implements Scenario {
    static final double TARGET_P99_MS = 10;

    @Override
    public String name() {
        return "lock-handoff";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        int n = ctx.config.handoffs();
        int warmup = ctx.config.handoffWarmup();
        Worker worker = ctx.startWorker("handoff", 2, "handoff");
        JobSpec spec = ctx.job("handoff", "handoff", String.format(Locale.ROOT, "sleep %.3f", ctx.config.handoffHoldSeconds()));
        ExecutorService followers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-follower");
            t.setDaemon(true);
            return t;
        });
        Samples samples = new Samples();
        int notParked = 0;
        try {
            JobWatch current = watch(ctx, followers, spec);
            current.awaitStarted(60);
            for (int i = 0; i < warmup + n; i++) {
                JobWatch next = watch(ctx, followers, spec);
                long finished = current.awaitSucceeded(60);
                long started = next.awaitStarted(60);
                if (!next.waited()) {
                    // submitted too late to be parked behind A: it started on its own, no handoff happened
                    notParked++;
                    i--;
                } else if (i >= warmup) {
                    samples.add(started - finished);
                }
                current = next;
                if (notParked > warmup + n) {
                    throw new IllegalStateException(notParked + " jobs were never parked behind the lock; lengthen the hold time");
                }
            }
            current.awaitSucceeded(60);
        } finally {
            followers.shutdownNow();
            ctx.stopWorker(worker);
        }
        Samples.Stats stats = samples.stats();
        result.put("handoffs", n);
        result.put("warmupHandoffs", warmup);
        result.put("notParked", notParked);
        result.put("holdSeconds", ctx.config.handoffHoldSeconds());
        result.put("latency", result.latency(stats, ctx.rttMs()));
        result.latencyRow("A 'finished' -> waiting B 'started' (" + ScenarioResult.count(n) + " handoffs)", stats, ctx.rttMs(),
                "p99 <= 10 ms", stats.p99Ms() <= TARGET_P99_MS);
    }

    private static JobWatch watch(BenchContext ctx, ExecutorService followers, JobSpec spec) {
        JobWatch watch = new JobWatch(ctx.follower, ctx.queue, ctx.queue.submit(spec));
        followers.execute(watch);
        return watch;
    }
}
