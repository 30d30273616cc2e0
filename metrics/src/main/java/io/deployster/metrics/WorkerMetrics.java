package io.deployster.metrics;

import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.worker.WorkerEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A worker's metrics, fed by its {@link WorkerEvents}. Labels are the queue, the status and a fixed set
 * of reasons: never a job id or a project (unbounded), so series stay few.
 */
public final class WorkerMetrics implements WorkerEvents {
    /** A job's run time is kept from its start until its end is recorded; this bounds jobs ended elsewhere. */
    private static final int MAX_TRACKED = 10_000;

    private final MeterRegistry meters;
    private final JobTimings timings;
    private final Map<String, Long> startedNanos = new ConcurrentHashMap<>();
    private final Counter linesShipped;
    private final Counter linesDropped;
    private final Timer lineLatency;
    private final Timer lockWait;
    private final Timer handoff;

    public WorkerMetrics(MeterRegistry meters, Redis redis, Keys keys) {
        this.meters = meters;
        this.timings = new JobTimings(redis, keys);
        this.linesShipped = Counter.builder("deployster.log.lines.shipped").description("Output lines written to job logs in Redis")
                .register(meters);
        this.linesDropped = Counter.builder("deployster.log.lines.dropped")
                .description("Output lines dropped while Redis could not be reached and the buffer was full").register(meters);
        this.lineLatency = Timer.builder("deployster.log.line.latency").serviceLevelObjectives(Registry.LINE_BUCKETS)
                .description("From an output line read on the worker to its write acknowledged by Redis").register(meters);
        this.lockWait = Timer.builder("deployster.job.lock.wait").serviceLevelObjectives(Registry.JOB_BUCKETS)
                .description("Per started job: time it waited for its project's lock (0 when it never waited)").register(meters);
        this.handoff = Timer.builder("deployster.lock.handoff").serviceLevelObjectives(Registry.JOB_BUCKETS)
                .description("From a job's end to the start of the job its project's lock passed to").register(meters);
    }

    /** Registers the worker's busy and idle slots (deployster_worker_slots{worker,state}). */
    public void slots(String worker, int total, IntSupplier busy) {
        Gauge.builder("deployster.worker.slots", busy, b -> b.getAsInt()).strongReference(true).tags("worker", worker, "state", "busy")
                .description("Job slots of the worker, by state").register(meters);
        Gauge.builder("deployster.worker.slots", busy, b -> total - b.getAsInt()).strongReference(true)
                .tags("worker", worker, "state", "idle").description("Job slots of the worker, by state").register(meters);
    }

    @Override
    public void started(String id, String queue, String project) {
        if (startedNanos.size() < MAX_TRACKED) {
            startedNanos.put(id, System.nanoTime());
        }
        Counter.builder("deployster.jobs.started").tag("queue", queue).description("Jobs started by this worker").register(meters)
                .increment();
        try {
            JobTimings.Start start = timings.read(id);
            lockWait.record(Duration.ofMillis(start.lockWaitMillis()));
            if (start.handoffMillis() != null) {
                handoff.record(Duration.ofMillis(start.handoffMillis()));
            }
        } catch (RuntimeException e) {
            // Redis unreachable just now: this job's timings are missing, the job itself is not affected
        }
    }

    @Override
    public void finished(String id, String queue, JobStatus status) {
        Counter.builder("deployster.jobs.finished").tags("queue", queue, "status", status.wireName())
                .description("Jobs that ran on this worker and ended, by how they ended").register(meters).increment();
        Long started = startedNanos.remove(id);
        if (started != null) {
            Timer.builder("deployster.job.run").tags("queue", queue, "status", status.wireName())
                    .serviceLevelObjectives(Registry.JOB_BUCKETS).description("Time jobs ran on this worker, from start to end")
                    .register(meters).record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Override
    public void rejected(String queue, Refusal why) {
        Counter.builder("deployster.jobs.rejected").tags("queue", queue, "reason", why.name().toLowerCase(Locale.ROOT))
                .description("Queue entries not run: invalid_entry, invalid_spec, refused (signature, policy), replayed")
                .register(meters).increment();
    }

    @Override
    public void lost(Loss why) {
        Counter.builder("deployster.jobs.lost").tag("reason", why.name().toLowerCase(Locale.ROOT))
                .description("Jobs ended as lost: fenced (stopped by its worker), lease_expired (found by a sweep)")
                .register(meters).increment();
    }

    @Override
    public void shipped(long[] lineLatencyMillis) {
        linesShipped.increment(lineLatencyMillis.length);
        for (long ms : lineLatencyMillis) {
            lineLatency.record(Duration.ofMillis(ms));
        }
    }

    @Override
    public void dropped(long lines) {
        linesDropped.increment(lines);
    }
}
