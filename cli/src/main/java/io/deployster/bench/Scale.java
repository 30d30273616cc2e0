package io.deployster.bench;

import io.deployster.worker.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Scenario 7: a burst of 10,000 {@code true} jobs over 1,000 projects (10 each, in a shuffled but
 * repeatable order, so jobs of one project often queue behind each other) submitted as fast as one
 * producer can to one running worker. Time to drain the burst, and each job's wait from submit to
 * start (milliseconds, from the job hashes). Starvation would show as jobs that never end or a wait
 * far beyond the drain time; a job overtaken by a later one of its own project would break the
 * per-project order the lock promises: the scenario fails when any job is overtaken.
 */
final class Scale implements Scenario {
    @Override
    public String name() {
        return "scale";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        int n = ctx.config.scaleJobs();
        int projects = ctx.config.scaleProjects();
        int concurrency = ctx.config.scaleConcurrency();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i % projects);
        }
        Collections.shuffle(order, new Random(7));

        Worker worker = ctx.startWorker("scale", concurrency, "scale");
        List<String> ids = new ArrayList<>(n);
        Map<String, BenchContext.JobTimes> times;
        double submitSeconds;
        try {
            ctx.awaitSucceeded(List.of(ctx.queue.submit(ctx.job("scale-warmup", "scale", "true"))));
            long s0 = System.nanoTime();
            for (int p : order) {
                ids.add(ctx.queue.submit(ctx.job("scale-" + p, "scale", "true")));
            }
            submitSeconds = (System.nanoTime() - s0) / 1e9;
            times = ctx.awaitSucceeded(ids);
        } finally {
            ctx.stopWorker(worker);
        }

        long firstSubmit = Long.MAX_VALUE;
        long lastEnd = 0;
        Samples waits = new Samples();
        Map<Integer, Long> lastStartOfProject = new HashMap<>();
        int overtaken = 0;
        for (int i = 0; i < n; i++) {
            BenchContext.JobTimes t = times.get(ids.get(i));
            firstSubmit = Math.min(firstSubmit, t.submittedAt());
            lastEnd = Math.max(lastEnd, t.endedAt());
            waits.add((t.startedAt() - t.submittedAt()) * 1_000_000L);
            Long previous = lastStartOfProject.put(order.get(i), t.startedAt());
            if (previous != null && t.startedAt() < previous) {
                overtaken++;
            }
        }
        double drain = (lastEnd - firstSubmit) / 1000.0;
        Samples.Stats stats = waits.stats();
        result.put("jobs", n);
        result.put("projects", projects);
        result.put("concurrency", concurrency);
        result.put("submitSeconds", ScenarioResult.round(submitSeconds));
        result.put("drainSeconds", ScenarioResult.round(drain));
        result.put("jobsPerSecond", ScenarioResult.round(n / drain));
        result.put("wait", result.latency(stats, ctx.rttMs()));
        result.put("maxWaitMs", ScenarioResult.round(stats.maxMs()));
        result.put("outOfProjectOrder", overtaken);
        result.row(ScenarioResult.count(n) + " jobs / " + ScenarioResult.count(projects) + " projects, concurrency " + concurrency
                + ": drain", String.format(Locale.ROOT, "%.1f s (%,.0f jobs/s)", drain, n / drain), null, null, null);
        result.latencyRow("wait, submitted -> started (ms clock)", stats, ctx.rttMs(), "every job runs, in project order",
                overtaken == 0 && stats.maxMs() <= drain * 1000);
        if (overtaken > 0) {
            // a hard target: an older version of a project could end up live
            throw new IllegalStateException(overtaken + " job(s) started before an earlier job of their project");
        }
    }
}
