package io.deployster.redis;

import java.util.Map;

/**
 * The one place that knows the Redis key layout (docs/protocol.md). Each kind of key is spelled once,
 * below; the Java methods and the Lua scripts' key functions ({@link #luaPreamble()}) are both built
 * from it.
 */
public final class Keys {
    /** Consumer group every worker of a queue joins. */
    public static final String GROUP = "workers";
    public static final String DEFAULT_NAMESPACE = "deployster";

    /** Hash per job: spec, status and result. */
    private static final String JOB = "job:";
    /** Stream per job: output lines and events. */
    private static final String LOG = "log:";
    /** Stream per queue: jobs ready to be taken by its workers. */
    private static final String QUEUE = "queue:";
    /** String per project: id of the job holding its deploy lock. */
    private static final String LOCK = "lock:";
    /** List per project: ids of its jobs not started yet, in the order their submits were acknowledged. */
    private static final String WAITERS = "waiters:";
    /** Counter per project: the fencing token of its latest lock grant (never reset, only increased). */
    private static final String FENCE = "fence:";
    /** List per project, newest first: its last deploys that ended (JSON each), kept longer than the jobs. */
    private static final String HISTORY = "history:";
    /** String per worker, with a TTL: present while the worker is alive. */
    private static final String WORKER = "worker:";
    /** String per signed job that started, with a TTL: a replay of it is refused. */
    private static final String SEEN = "seen:";
    /** Hash: each worker's last heartbeat text, kept after it stops, so a dead worker shows as dead. */
    private static final String WORKERS = "workers";
    /** Hash: queue name to the number of jobs ever submitted to it (by any producer), for metrics. */
    private static final String SUBMITTED = "submitted";
    /** Set: projects with jobs not started yet, for the abandoned-lock sweep. */
    private static final String WAITING_PROJECTS = "waiting-projects";
    /** Set: jobs running now, checked against their leases (the project locks). */
    private static final String RUNNING = "running";
    /** Set: jobs handed their project's lock but not started yet; the sweep keeps those locks alive. */
    private static final String HANDED_OVER = "handed-over";
    /** Set: workflows not yet wound up; every worker's coordinator drives them (docs/workflows.md). */
    private static final String WORKFLOWS = "workflows";
    /** String per workflow, with a TTL: the coordinator driving it now, so two never drive one at once. */
    private static final String DRIVER = "driver:";
    /**
     * String per job and Jenkins build, with the TTL of the job's log: id of the last log entry that
     * build's step printed to its console, so a step resumed after a controller crash goes on from there.
     */
    private static final String CONSOLE = "console:";
    /** Pub/sub channel: ids of running jobs someone asked to cancel. */
    private static final String CANCEL = "cancel";

    private static final Map<String, String> LUA_PER_ID = Map.of("job_key", JOB, "log_key", LOG, "queue_key", QUEUE,
            "lock_key", LOCK, "waiters_key", WAITERS, "worker_key", WORKER, "seen_key", SEEN, "fence_key", FENCE,
            "history_key", HISTORY);
    private static final Map<String, String> LUA_SINGLE = Map.of("workers_key", WORKERS, "submitted_key", SUBMITTED,
            "waiting_projects_key", WAITING_PROJECTS, "workflows_key", WORKFLOWS,
            "running_key", RUNNING, "handed_over_key", HANDED_OVER, "cancel_channel", CANCEL);

    private final String prefix;

    public Keys(String namespace) {
        if (!namespace.matches("[A-Za-z0-9._-]{1,50}")) {
            throw new IllegalArgumentException("namespace '" + namespace + "' is not allowed; use 1 to 50 of A-Z a-z 0-9 . _ -");
        }
        this.prefix = namespace + ":";
    }

    public static Keys defaults() {
        return new Keys(DEFAULT_NAMESPACE);
    }

    public String job(String jobId) {
        return prefix + JOB + jobId;
    }

    public String log(String jobId) {
        return prefix + LOG + jobId;
    }

    /** List per project: its ended deploys, newest first, as JSON (the last N of them). */
    public String history(String project) {
        return prefix + HISTORY + project;
    }

    /** Counter per project: the fencing token of its latest lock grant. */
    public String fence(String project) {
        return prefix + FENCE + project;
    }

    /** Pattern matching every worker's liveness key, for SCAN. */
    public String workerPattern() {
        return prefix + WORKER + "*";
    }

    /** Pattern matching every queue stream, for SCAN. */
    public String queuePattern() {
        return prefix + QUEUE + "*";
    }

    /** Pattern matching every job hash, for SCAN. */
    public String jobPattern() {
        return prefix + JOB + "*";
    }

    /** Pattern matching every project's fencing counter: a project that ever ran a job has one. */
    public String fencePattern() {
        return prefix + FENCE + "*";
    }

    /** Hash: worker name to its last heartbeat text. */
    public String workers() {
        return prefix + WORKERS;
    }

    /** Hash: queue name to the count of jobs submitted to it. */
    public String submitted() {
        return prefix + SUBMITTED;
    }

    /** Set: projects with jobs not started yet. */
    public String waitingProjects() {
        return prefix + WAITING_PROJECTS;
    }

    /** Set: ids of running jobs. */
    public String running() {
        return prefix + RUNNING;
    }

    public String queue(String queue) {
        return prefix + QUEUE + queue;
    }

    /** The project's lock: the id of the job holding it. */
    public String lock(String project) {
        return prefix + LOCK + project;
    }

    public String worker(String name) {
        return prefix + WORKER + name;
    }

    /** Set of the workflows not yet wound up. */
    public String workflows() {
        return prefix + WORKFLOWS;
    }

    /** Driver mutex of one workflow. */
    public String driver(String workflowId) {
        return prefix + DRIVER + workflowId;
    }

    public String cancelChannel() {
        return prefix + CANCEL;
    }

    /** List per project: ids of its jobs not started yet, oldest first. */
    public String waiters(String project) {
        return prefix + WAITERS + project;
    }

    /** List per project, newest first: ids of the last jobs the HTTP gateway submitted for it. */
    public String gatewayRecent(String project) {
        return prefix + "gateway:recent:" + project;
    }

    /** String per reader and job: id of the last log entry the gateway's /status route gave that reader. */
    public String gatewayReadPosition(String reader, String jobId) {
        return prefix + "gateway:read:" + reader + ":" + jobId;
    }

    /** Counter per client address, with a TTL: failed authentications at the HTTP gateway. */
    public String gatewayAuthFailures(String address) {
        return prefix + "gateway:auth-failures:" + address;
    }

    /**
     * String per job and Jenkins build: id of the last log entry the build's step printed (written by the
     * controller's log multiplexer, read when the step resumes).
     *
     * @param build the build's id as Jenkins spells it ({@code Run.getExternalizableId()}, e.g. {@code folder/app#12})
     */
    public String consolePosition(String jobId, String build) {
        return prefix + CONSOLE + jobId + ":" + build;
    }

    /** Lua functions returning the same keys, for the scripts. */
    String luaPreamble() {
        StringBuilder lua = new StringBuilder();
        LUA_PER_ID.forEach((function, kind) -> lua.append("local function ").append(function).append("(x) return '")
                .append(prefix).append(kind).append("' .. x end\n"));
        LUA_SINGLE.forEach((function, kind) -> lua.append("local function ").append(function).append("() return '")
                .append(prefix).append(kind).append("' end\n"));
        return lua.toString();
    }
}
