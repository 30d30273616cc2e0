package io.deployster.protocol;

/**
 * Fields of a job's hash ({@code <namespace>:job:{id}}), a workflow's too (docs/protocol.md, "Job hash
 * fields"). In Lua each is {@code FIELD_<NAME>}.
 */
public final class JobField {
    /** Protocol version the job was submitted under (text of a number). */
    public static final String PROTOCOL = "protocol";
    /** The job spec as JSON (a workflow's: the workflow JSON). */
    public static final String SPEC = "spec";
    public static final String PROJECT = "project";
    public static final String QUEUE = "queue";
    public static final String SUBMITTED_BY = "submittedBy";
    /** A {@link io.deployster.job.JobStatus} wire name. */
    public static final String STATUS = "status";
    /** Epoch milliseconds. */
    public static final String SUBMITTED_AT = "submittedAt";
    /** Epoch milliseconds. */
    public static final String STARTED_AT = "startedAt";
    /** Epoch milliseconds. */
    public static final String ENDED_AT = "endedAt";
    /** Name of the worker running the job (a workflow's: its coordinator). */
    public static final String WORKER = "worker";
    /** Number of the project lock grant the job runs under. */
    public static final String FENCING_TOKEN = "fencingToken";
    /** Lease (lock TTL, ms) the job was started with. */
    public static final String LEASE = "lease";
    /**
     * A workflow task's own lease: until when (epoch ms, Redis' clock) its worker has renewed it. The
     * project's lock is its workflow's, kept by the coordinator, so it cannot tell a dead task worker.
     */
    public static final String LEASE_UNTIL = "leaseUntil";
    /** Id of the job's entry in its queue stream while it waits there: a cancel removes it, so queue depth counts live jobs only. */
    public static final String QUEUE_ENTRY = "queueEntry";
    /** Id of the job's {@code started} log entry. */
    public static final String STARTED_ENTRY = "startedEntry";
    /** Epoch ms when the job before it handed it the project's lock. */
    public static final String LOCK_HANDED_AT = "lockHandedAt";
    /** Id of the job holding the lock when this one was parked. */
    public static final String WAITING_BEHIND = "waitingBehind";
    public static final String EXIT_CODE = "exitCode";
    /** 0-based index of the failing command. */
    public static final String FAILED_COMMAND = "failedCommand";
    public static final String REASON = "reason";
    /** Reason given by whoever asked to cancel the running job. */
    public static final String CANCEL_REQUESTED = "cancelRequested";
    /** The raw queue entry of a malformed entry with no job behind it. */
    public static final String ENTRY = "entry";
    /** Signature: key id, issued-at (epoch ms) and HMAC (docs/security.md). */
    public static final String KID = "kid";
    public static final String IAT = "iat";
    public static final String SIG = "sig";
    /** {@link #KIND_WORKFLOW} on a workflow's hash, absent on a job's. */
    public static final String KIND = "kind";
    /** Id of the workflow a task belongs to. */
    public static final String WORKFLOW = "workflow";
    /** Name of the task within its workflow. */
    public static final String WORKFLOW_TASK = "workflowTask";
    /** The job's outputs as a JSON object. */
    public static final String OUTPUTS = "outputs";
    /**
     * A succeeded job's result signed by the worker that ran it ({@code KEY_ID ISSUED_AT MAC}, over its id,
     * status and outputs), so a workflow's coordinator uses only outputs a worker recorded; absent when unsigned.
     */
    public static final String RESULT_SIG = "resultSig";
    /** Prefix of a workflow's per-task result fields: {@code task:NAME} (JSON). */
    public static final String TASK_PREFIX = "task:";
    /** Prefix of a workflow's per-task copy cursors: {@code cursor:NAME} (last log entry id copied). */
    public static final String CURSOR_PREFIX = "cursor:";
    /** The callback's delivery record (JSON, {@code io.deployster.callback.Delivery}), written by callback-record.lua. */
    public static final String CALLBACK = "callback";

    /** Value of {@link #KIND} on a workflow's hash. */
    public static final String KIND_WORKFLOW = "workflow";

    private JobField() {
    }
}
