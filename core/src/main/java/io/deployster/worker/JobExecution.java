package io.deployster.worker;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.log.LineReader;
import io.deployster.log.LogWriter;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Backoff;
import io.deployster.run.JobProcesses;
import io.deployster.run.JobRunner;
import io.deployster.run.Outcome;
import io.deployster.secret.Secrets;
import io.deployster.workflow.OutputFiles;
import io.deployster.workflow.Outputs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One job this worker started: runs it, streams its log, and records its end (which frees the lock)
 * only once every process of it is gone.
 */
final class JobExecution implements Runnable {
    private static final System.Logger LOG = System.getLogger(JobExecution.class.getName());
    private static final int LOG_BUFFER = 50_000;

    private final String id;
    private final JobSpec spec;
    private final JobQueue queue;
    private final LogWriter log;
    private final JobProcesses processes;
    private final JobRunner runner;
    private final LeaseKeeper leases;
    private final long fencingToken;
    private final Consumer<JobExecution> onEnd;
    private volatile boolean processesGone;
    private volatile boolean recorded;
    private final WorkerEvents events;
    private final Path outputFile;
    private String outputsJson;

    JobExecution(String id, JobSpec spec, Secrets secrets, JobQueue.Start start, JobContext context, Consumer<JobExecution> onEnd) {
        this.events = context.events();
        this.id = id;
        this.spec = spec;
        this.queue = context.queue();
        this.leases = context.leases();
        this.fencingToken = start.fencingToken();
        this.onEnd = onEnd;
        this.log = new LogWriter(context.redis(), queue.keys(), id, start.startedEntry(), queue.settings().logMaxLen(), LOG_BUFFER,
                context.threads(), events);
        this.processes = new JobProcesses(id, context.subreaper(), () -> leases.sessionsChanged(this));
        this.outputFile = outputFile(context.outputs(), id);
        this.runner = new JobRunner(id, spec, secrets, context.workerSecrets(), log, new LineReader(context.options().maxLineBytes()),
                context.options().killGrace().toMillis(), processes, fencingToken, leases.guard(id), outputFile, context.threads());
    }

    String id() {
        return id;
    }

    String project() {
        return spec.project();
    }

    long fencingToken() {
        return fencingToken;
    }

    /** Session ids of the job's commands so far, for the lease watchdog. */
    List<Long> sessions() {
        return processes.sessions();
    }

    /**
     * True once every process of the job is gone and its end is being recorded: a renewal that finds the
     * job ended then sees this worker's own finish, nothing to fence.
     */
    boolean processesGone() {
        return processesGone;
    }

    /** True once the job's end is in Redis: its lock is no longer this job's to renew. */
    boolean recorded() {
        return recorded;
    }

    /** Cancels or times out the job; returns once its processes are gone. */
    void stop(JobStatus status, String reason) {
        try {
            runner.stop(status, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the job's processes at once because its lease is lost; the job ends as lost with {@code reason}. */
    void fence(String reason) {
        LOG.log(Level.ERROR, "job {0} of project {1}: {2}", id, spec.project(), reason);
        try {
            runner.fence(reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        // a lease that ran out before the job ended means its processes may have been killed by the
        // watchdog while this worker was stopped: the job did not end the way its exit code says
        String lapsed = leases.lapsedReason(id);
        if (lapsed != null && outcome.status() != JobStatus.LOST) {
            outcome = new Outcome(JobStatus.LOST, outcome.exitCode(), outcome.failedCommand(), lapsed);
        }
        processesGone = true;
        log.close();
        readOutputs();
        try {
            record(outcome);
        } finally {
            recorded = true;
            onEnd.accept(this);
        }
    }

    // A file for the job's key=value outputs (docs/workflows.md); without one the job simply has none.
    private static Path outputFile(OutputFiles outputs, String id) {
        try {
            return outputs.create(id);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "job {0}: no file for its outputs ({1}: {2}); DEPLOYSTER_OUTPUT is not set", id,
                    e.getClass().getSimpleName(), e.getMessage());
            return null;
        }
    }

    // Secrets are masked here as in the log, in keys and values: outputs are stored on the job's hash and sent in callbacks.
    private void readOutputs() {
        if (outputFile == null) {
            return;
        }
        try {
            Outputs.Read read = Outputs.readAndDelete(outputFile);
            if (read.problem() != null) {
                LOG.log(Level.WARNING, "job {0} of project {1}: {2}", id, spec.project(), read.problem());
            }
            Map<String, String> masked = new LinkedHashMap<>();
            read.outputs().forEach((key, value) -> masked.put(runner.mask(key), runner.mask(value)));
            outputsJson = Outputs.toJson(masked);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "job {0}: its outputs ($DEPLOYSTER_OUTPUT, {1}) could not be read: {2}: {3}", id, outputFile,
                    e.getClass().getSimpleName(), e.getMessage());
        }
    }

    // The result must reach Redis, or the job would look running forever and keep its lock: retry
    // through an outage for as long as it takes.
    private void record(Outcome outcome) {
        Backoff backoff = Backoff.standard();
        while (true) {
            try {
                boolean done = queue.finish(id, spec.project(), outcome.status(), outcome.exitCode(), outcome.failedCommand(), outcome.reason(), outputsJson,
                        fencingToken);
                if (!done) {
                    LOG.log(Level.WARNING, "job {0} of project {1} ended ({2}) after it had already been ended by someone else "
                            + "(cancelled, or marked lost when its lease ran out)", id, spec.project(), outcome.status().wireName());
                    return;
                }
                events.finished(id, spec.queueOrDefault(), outcome.status());
                if (outcome.status() == JobStatus.LOST) {
                    events.lost(WorkerEvents.Loss.FENCED);
                }
                LOG.log(outcome.status() == JobStatus.SUCCEEDED ? Level.INFO : Level.WARNING, "job {0} of project {1} {2}{3}",
                        id, spec.project(), outcome.status().wireName(), outcome.reason() == null ? "" : ": " + outcome.reason());
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "job {0} of project {1} ended ({2}) but Redis cannot be reached to record it ({3}); retrying in {4} ms",
                        id, spec.project(), outcome.status().wireName(), e.getMessage(), backoff.nextMillis());
                try {
                    backoff.pause();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
