package io.deployster.redis;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one place that knows the Redis key layout (docs/protocol.md). Each kind of key is spelled once,
 * below; the Java methods and the Lua scripts' key functions ({@link #luaPreamble()}) are both built
 * from it.
 *
 * <p>Hash slots (docs/protocol.md, "Hash slots"): a job's keys are tagged with its id
 * ({@code job:{id}}, {@code log:{id}}, {@code seen:{id}}), a project's with its name ({@code lock:{p}},
 * {@code waiters:{p}}, {@code fence:{p}}, {@code history:{p}}) and a queue's with its name, so each
 * group shares one slot of a Redis Cluster.
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
    /** String: the protocol version the namespace is served with. */
    private static final String PROTOCOL = "protocol";

    /**
     * Key functions the scripts get, only for the keys they find while they run (sorted, so every JVM
     * builds the same script text and SHA); every other key is declared in KEYS.
     */
    private static final Map<String, String> LUA_PER_ID = new TreeMap<>(Map.of("job_key", JOB, "log_key", LOG,
            "queue_key", QUEUE, "lock_key", LOCK, "waiters_key", WAITERS, "worker_key", WORKER, "fence_key", FENCE,
            "history_key", HISTORY));
    /** A pub/sub channel is not a key (it takes no place in KEYS), so scripts name it themselves. */
    private static final Map<String, String> LUA_SINGLE = new TreeMap<>(Map.of("cancel_channel", CANCEL));

    /** Kinds of key tagged with their id or name, so they hash to one slot per job, project or queue. */
    private static final Set<String> TAGGED = Set.of(JOB, LOG, QUEUE, LOCK, WAITERS, FENCE, HISTORY, SEEN, DRIVER);

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
        return tagged(JOB, jobId);
    }

    public String log(String jobId) {
        return tagged(LOG, jobId);
    }

    /** List per project: its ended deploys, newest first, as JSON (the last N of them). */
    public String history(String project) {
        return tagged(HISTORY, project);
    }

    /** Counter per project: the fencing token of its latest lock grant. */
    public String fence(String project) {
        return tagged(FENCE, project);
    }

    /** Pattern matching every worker's liveness key, for SCAN. */
    public String workerPattern() {
        return prefix + WORKER + "*";
    }

    /** Pattern matching every queue stream, for SCAN; {@link #tagOf} gives each one's name. */
    public String queuePattern() {
        return prefix + QUEUE + "{*}";
    }

    /** Pattern matching every job hash, for SCAN; {@link #tagOf} gives each one's id. */
    public String jobPattern() {
        return prefix + JOB + "{*}";
    }

    /**
     * Pattern matching every project's fencing counter (a project that ever ran a job has one), for
     * SCAN; {@link #tagOf} gives each one's project.
     */
    public String fencePattern() {
        return prefix + FENCE + "{*}";
    }

    /**
     * Pattern matching the fencing counters of the version 2 layout (no hash tag), which never
     * expire: a namespace holding one was served by version 2.
     */
    public String legacyFencePattern() {
        return prefix + FENCE + "[^{]*";
    }

    /** The namespace all keys start with. */
    public String namespace() {
        return prefix.substring(0, prefix.length() - 1);
    }

    /** The id or name a tagged key is of: the text between its braces. */
    public static String tagOf(String key) {
        int open = key.indexOf('{');
        int close = key.lastIndexOf('}');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("key '" + key + "' has no hash tag");
        }
        return key.substring(open + 1, close);
    }

    /** String per signed job that started, with a TTL: a replay is refused while it exists. */
    public String seen(String jobId) {
        return tagged(SEEN, jobId);
    }

    /**
     * String: the protocol version this namespace is served with, recorded by its first worker
     * ({@link io.deployster.protocol.ProtocolVersion}).
     */
    public String protocol() {
        return prefix + PROTOCOL;
    }

    /**
     * The first nine keys of every script on one job (common.lua): the index sets running,
     * handed-over and waiting-projects, the job's hash and log, and its project's lock, waiters, fence
     * and history.
     */
    public List<String> jobScriptKeys(String jobId, String project) {
        return List.of(running(), handedOver(), waitingProjects(), job(jobId), log(jobId),
                lock(project), waiters(project), fence(project), history(project));
    }

    /** Set: jobs handed their project's lock but not started yet. */
    public String handedOver() {
        return prefix + HANDED_OVER;
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
        return tagged(QUEUE, queue);
    }

    /** The project's lock: the id of the job holding it. */
    public String lock(String project) {
        return tagged(LOCK, project);
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
        return tagged(DRIVER, workflowId);
    }

    public String cancelChannel() {
        return prefix + CANCEL;
    }

    /** List per project: ids of its jobs not started yet, oldest first. */
    public String waiters(String project) {
        return tagged(WAITERS, project);
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
     * controller's log multiplexer, read when the step resumes). Tagged by the job, in its slot.
     *
     * @param build the build's id as Jenkins spells it ({@code Run.getExternalizableId()}, e.g. {@code folder/app#12})
     */
    public String consolePosition(String jobId, String build) {
        return tagged(CONSOLE, jobId) + ":" + build;
    }

    private String tagged(String kind, String name) {
        return prefix + kind + "{" + name + "}";
    }

    /**
     * Lua functions returning the same keys, for the keys a script finds only while it runs (each
     * script's header names them); every other key is passed in KEYS.
     */
    String luaPreamble() {
        StringBuilder lua = new StringBuilder();
        LUA_PER_ID.forEach((function, kind) -> lua.append("local function ").append(function).append("(x) return '")
                .append(prefix).append(kind).append(TAGGED.contains(kind) ? "{' .. x .. '}' end\n" : "' .. x end\n"));
        LUA_SINGLE.forEach((function, kind) -> lua.append("local function ").append(function).append("() return '")
                .append(prefix).append(kind).append("' end\n"));
        return lua.toString();
    }
}
