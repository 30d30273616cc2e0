package io.deployster.worker;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.policy.WorkerPolicy;
import io.deployster.protocol.EntryField;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueEntry;
import io.deployster.secret.Secrets;
import io.deployster.sign.RejectedJobException;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that decides what becomes of a queue entry a worker took. In order:
 * <ol>
 *   <li>a valid job id, else the entry is recorded as a new failed job;</li>
 *   <li>a spec that decodes and validates, else the job fails naming the field;</li>
 *   <li>a signature by a known key when the worker has keys, else the job is rejected;</li>
 *   <li>taken from the queue its spec names, else rejected (an entry copied to another queue);</li>
 *   <li>within the worker's policy, else rejected;</li>
 *   <li>secrets this worker can open, else rejected;</li>
 *   <li>the start script: run now, wait for the project lock, skip (already ended, a repeated
 *       delivery) or refuse a replay of a signed job that already ran.</li>
 * </ol>
 * Every entry is acted on exactly once: run, or recorded and acknowledged by a script.
 */
final class Admission {
    private static final System.Logger LOG = System.getLogger(Admission.class.getName());

    /** A job to run now: it holds its project's lock. @param sentAt System.nanoTime() when the start request was sent */
    record Admitted(String id, JobSpec spec, Secrets secrets, JobQueue.Start start, long sentAt) {
    }

    private final JobQueue queue;
    private final WorkerPolicy policy;
    private final String worker;
    private final WorkerEvents events;
    /** Ids of signed jobs this worker started → epoch ms until which they are remembered. */
    private final Map<String, Long> started = new LinkedHashMap<>();

    /** @param policy what jobs may do here; null for none */
    Admission(JobQueue queue, WorkerPolicy policy, String worker, WorkerEvents events) {
        this.events = events;
        this.queue = queue;
        this.policy = policy;
        this.worker = worker;
    }

    /** @return the job to run, or empty when the entry was dealt with otherwise (recorded, parked or skipped) */
    Optional<Admitted> admit(QueueEntry entry) {
        String id = entry.jobId();
        if (!JobIds.isValid(id)) {
            String newId = queue.newId();
            reject(newId, entry, JobStatus.FAILED, "queue entry " + entry.entryId() + " on queue '"
                    + entry.queue() + "' has no valid job id (field '" + EntryField.JOB + "'); it was recorded as job " + newId + " and not run");
            events.rejected(entry.queue(), WorkerEvents.Refusal.INVALID_ENTRY);
            LOG.log(Level.WARNING, "worker {0}: rejected queue entry {1} on {2}: no valid job id; recorded as job {3}",
                    worker, entry.entryId(), entry.queue(), newId);
            return Optional.empty();
        }
        JobSpec spec = null;
        Secrets secrets;
        try {
            spec = JobCodec.parseSpec(entry.specJson());
            queue.check(id, spec, entry.specJson(), entry.fields());
            if (!spec.queueOrDefault().equals(entry.queue())) {
                // the signature covers the spec's queue, not the stream the entry sits in: an entry
                // copied to another queue would run on a worker (a host) it was never meant for
                throw new RejectedJobException("queue entry " + entry.entryId() + " on queue '" + entry.queue() + "' holds job " + id
                        + ", which was submitted to queue '" + spec.queueOrDefault() + "'; a job runs only from the queue it was submitted to, not run");
            }
            if (policy != null) {
                policy.check(spec);
            }
            secrets = queue.openSecrets(id, spec);
        } catch (InvalidJobException e) {
            reject(id, entry, JobStatus.FAILED, e.getMessage());
            events.rejected(entry.queue(), WorkerEvents.Refusal.INVALID_SPEC);
            LOG.log(Level.WARNING, "worker {0}: job {1} is invalid, not run: {2}", worker, id, e.getMessage());
            return Optional.empty();
        } catch (RejectedJobException | IllegalArgumentException e) {
            reject(id, entry, JobStatus.REJECTED, e.getMessage());
            events.rejected(entry.queue(), WorkerEvents.Refusal.REFUSED);
            LOG.log(Level.WARNING, "worker {0}: job {1} of project {2} rejected, not run: {3}", worker, id, spec.project(), e.getMessage());
            return Optional.empty();
        }
        if (startedHere(id)) {
            reject(id, entry, JobStatus.REJECTED, "replayed: job " + id + " has already been started once (by this worker, which remembers "
                    + "the signed jobs it started for their signature's max age, even when Redis no longer does); a signed job runs at most once, submit a new one");
            events.rejected(entry.queue(), WorkerEvents.Refusal.REPLAYED);
            LOG.log(Level.WARNING, "worker {0}: job {1} rejected as a replay of a job it started (Redis had no record of that start)", worker, id);
            return Optional.empty();
        }
        long sentAt = System.nanoTime();
        JobQueue.Start start = queue.start(id, worker, entry.queue(), entry.entryId(), entry.fields(), spec.project());
        switch (start.decision()) {
            case RUN -> {
                rememberStarted(id);
                return Optional.of(new Admitted(id, spec, secrets, start, sentAt));
            }
            case WAIT -> LOG.log(Level.INFO, "job {0} of project {1} waits for the lock held by job {2}", id, spec.project(), start.detail());
            case SKIP -> LOG.log(Level.INFO, "queue entry {0} for job {1} ignored: the job is already {2} (a repeated delivery or a replay)",
                    entry.entryId(), id, start.detail());
            case REPLAYED -> {
                reject(id, entry, JobStatus.REJECTED, "replayed: job " + id + " has already been started "
                        + "once; a signed job runs at most once, submit a new one");
                events.rejected(entry.queue(), WorkerEvents.Refusal.REPLAYED);
                LOG.log(Level.WARNING, "worker {0}: job {1} rejected as a replay", worker, id);
            }
            case WRONG_PROJECT -> {
                String reason = "queue entry " + entry.entryId() + " on queue '" + entry.queue() + "' names project '" + spec.project()
                        + "' but job " + id + " was submitted for project '" + start.detail() + "'; the entry was not run";
                reject(id, entry, JobStatus.FAILED, reason);
                events.rejected(entry.queue(), WorkerEvents.Refusal.INVALID_ENTRY);
                LOG.log(Level.WARNING, "worker {0}: {1}", worker, reason);
            }
        }
        return Optional.empty();
    }

    /*
     * Redis remembers started signed jobs (seen:{id}), but whoever can write to Redis can delete that
     * record and queue the signed entry again; this worker's own memory of what it started, for as long
     * as a signature is valid, refuses such a replay here.
     */
    private boolean startedHere(String id) {
        synchronized (started) {
            forgetExpired();
            return started.containsKey(id);
        }
    }

    private void rememberStarted(String id) {
        long window = queue.replayWindow().toMillis();
        if (window <= 0) {
            return;
        }
        synchronized (started) {
            forgetExpired();
            started.put(id, System.currentTimeMillis() + window);
        }
    }

    private void forgetExpired() {
        long now = System.currentTimeMillis();
        // insertion order is expiry order: every id gets the same window
        for (Iterator<Long> until = started.values().iterator(); until.hasNext() && until.next() <= now; ) {
            until.remove();
        }
    }

    // The entry is acknowledged either way; a job that meanwhile runs or ended (a repeated delivery) is left alone.
    private void reject(String id, QueueEntry entry, JobStatus status, String reason) {
        if (!queue.reject(id, entry.queue(), entry.entryId(), status, reason, entry.raw())) {
            LOG.log(Level.INFO, "worker {0}: queue entry {1} for job {2} acknowledged without a change: the job already runs or has ended",
                    worker, entry.entryId(), id);
        }
    }
}
