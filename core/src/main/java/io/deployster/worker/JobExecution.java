package io.deployster.worker;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.log.LineReader;
import io.deployster.log.LogWriter;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Redis;
import io.deployster.run.JobRunner;
import io.deployster.run.Outcome;
import io.deployster.secret.Secrets;
import java.lang.System.Logger.Level;

/** One job this worker started: runs it, streams its log, records its end and frees the lock. */
final class JobExecution implements Runnable {
    private static final System.Logger LOG = System.getLogger(JobExecution.class.getName());
    private static final int LOG_BUFFER = 50_000;

    private final String id;
    private final JobSpec spec;
    private final JobQueue queue;
    private final LogWriter log;
    private final JobRunner runner;
    private final Runnable onEnd;
    private volatile boolean lockLapseReported;

    JobExecution(String id, JobSpec spec, Secrets secrets, String startedEntry, JobQueue queue, Redis redis, WorkerOptions options,
                 Runnable onEnd) {
        this.id = id;
        this.spec = spec;
        this.queue = queue;
        this.onEnd = onEnd;
        this.log = new LogWriter(redis, queue.keys(), id, startedEntry, queue.settings().logMaxLen(), LOG_BUFFER);
        this.runner = new JobRunner(id, spec, secrets, log, new LineReader(options.maxLineBytes()), options.killGrace().toMillis());
    }

    String id() {
        return id;
    }

    String project() {
        return spec.project();
    }

    /** Cancels or times out the job; returns once its processes are gone. */
    void stop(JobStatus status, String reason) {
        try {
            runner.stop(status, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Reported once per job: a lapse is rare, and a flood of the same warning would hide the output.
    void lockLapsed(JobQueue.LockState state) {
        if (lockLapseReported) {
            return;
        }
        lockLapseReported = true;
        String what = state == JobQueue.LockState.RETAKEN
                ? "the project lock lapsed while this job ran (no renewal for a whole lock TTL) and was taken again; no other deploy started meanwhile"
                : "the project lock lapsed while this job ran and ANOTHER JOB OF THE PROJECT HOLDS IT: two deploys may overlap";
        LOG.log(Level.ERROR, "job {0} of project {1}: {2}. Check Redis latency and this worker''s load; the job goes on.", id, spec.project(), what);
        log.event("lock-lost", "message", what);
    }

    @Override
    public void run() {
        Outcome outcome;
        try {
            outcome = runner.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome(JobStatus.CANCELLED, null, null, "worker interrupted");
        } catch (RuntimeException e) {
            outcome = new Outcome(JobStatus.FAILED, null, null, "worker error: " + e);
        }
        log.close();
        try {
            record(outcome);
        } finally {
            onEnd.run();
        }
    }

    // The result must reach Redis, or the job would look running forever and keep its lock: retry
    // through an outage for as long as it takes.
    private void record(Outcome outcome) {
        long backoff = 50;
        while (true) {
            try {
                boolean recorded = queue.finish(id, outcome.status(), outcome.exitCode(), outcome.failedCommand(), outcome.reason());
                if (!recorded) {
                    LOG.log(Level.WARNING, "job {0} of project {1} ended ({2}) after it had already been ended by someone else "
                            + "(cancelled, or marked lost while this worker could not reach Redis)", id, spec.project(),
                            outcome.status().wireName());
                    return;
                }
                LOG.log(outcome.status() == JobStatus.SUCCEEDED ? Level.INFO : Level.WARNING, "job {0} of project {1} {2}{3}",
                        id, spec.project(), outcome.status().wireName(), outcome.reason() == null ? "" : ": " + outcome.reason());
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "job {0} of project {1} ended ({2}) but Redis cannot be reached to record it ({3}); retrying in {4} ms",
                        id, spec.project(), outcome.status().wireName(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }
}
