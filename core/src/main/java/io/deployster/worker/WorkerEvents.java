package io.deployster.worker;

import io.deployster.job.JobStatus;
import io.deployster.log.LogShipping;

/**
 * What a worker tells an observer (its metrics) as it goes. Called on the worker's own threads after
 * the fact: an implementation must be quick and must not throw.
 */
public interface WorkerEvents extends LogShipping {
    WorkerEvents NONE = new WorkerEvents() {
    };

    /** Why a queue entry was not run ({@link #rejected}); a fixed set, so a metric label stays small. */
    enum Refusal {
        /** the entry has no valid job id */
        INVALID_ENTRY,
        /** the spec is not valid JSON of a valid job */
        INVALID_SPEC,
        /** unsigned, badly signed, expired, outside the policy, or its secrets cannot be opened */
        REFUSED,
        /** a signed job that had already started once */
        REPLAYED
    }

    /** Why a job ended as lost ({@link #lost}). */
    enum Loss {
        /** this worker stopped its own job: it could not keep the job's lease */
        FENCED,
        /** a sweep found a running job whose lease had run out (its worker crashed or stalled) */
        LEASE_EXPIRED
    }

    /** Job {@code id} started on this worker; its process is being launched. */
    default void started(String id, String queue, String project) {
    }

    /** A job this worker ran has its end recorded. */
    default void finished(String id, String queue, JobStatus status) {
    }

    default void rejected(String queue, Refusal why) {
    }

    default void lost(Loss why) {
    }
}
