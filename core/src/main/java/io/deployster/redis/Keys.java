package io.deployster.redis;

/**
 * The one place that knows the Redis key layout (docs/protocol.md). Lua scripts get the same layout
 * through {@link #luaPreamble()}, so a key's shape is written down exactly once.
 */
public final class Keys {
    /** Consumer group every worker of a queue joins. */
    public static final String GROUP = "workers";
    public static final String DEFAULT_NAMESPACE = "deployster";

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

    /** Hash: the job's spec, status and result. */
    public String job(String jobId) {
        return prefix + "job:" + jobId;
    }

    /** Stream: the job's output lines and events. */
    public String log(String jobId) {
        return prefix + "log:" + jobId;
    }

    /** Stream: jobs ready to be taken by the workers of this queue. */
    public String queue(String queue) {
        return prefix + "queue:" + queue;
    }

    /** String: id of the job that holds the project's deploy lock. */
    public String lock(String project) {
        return prefix + "lock:" + project;
    }

    /** List: ids of jobs waiting for the project's lock, oldest first. */
    public String waiters(String project) {
        return prefix + "waiters:" + project;
    }

    /** Set: projects that have jobs waiting for their lock, so a sweep can find an abandoned lock. */
    public String waitingProjects() {
        return prefix + "waiting-projects";
    }

    /** Set: ids of jobs handed their project's lock but not started yet; the sweep keeps their locks alive. */
    public String handedOver() {
        return prefix + "handed-over";
    }

    /** Set: ids of the jobs running now, checked against their workers' heartbeats. */
    public String running() {
        return prefix + "running";
    }

    /** String with a TTL: present while the worker of that name is alive. */
    public String worker(String name) {
        return prefix + "worker:" + name;
    }

    /** String with a TTL: a signed job with this id has started; a replay of it is refused. */
    public String seen(String jobId) {
        return prefix + "seen:" + jobId;
    }

    /** Pub/sub channel: ids of running jobs someone asked to cancel. */
    public String cancelChannel() {
        return prefix + "cancel";
    }

    /** Lua functions returning the same keys, for the scripts. */
    String luaPreamble() {
        String p = "'" + prefix + "'";
        return "local function job_key(id) return " + p + " .. 'job:' .. id end\n"
                + "local function log_key(id) return " + p + " .. 'log:' .. id end\n"
                + "local function queue_key(q) return " + p + " .. 'queue:' .. q end\n"
                + "local function lock_key(p) return " + p + " .. 'lock:' .. p end\n"
                + "local function waiters_key(p) return " + p + " .. 'waiters:' .. p end\n"
                + "local function waiting_projects_key() return " + p + " .. 'waiting-projects' end\n"
                + "local function cancel_channel() return " + p + " .. 'cancel' end\n"
                + "local function running_key() return " + p + " .. 'running' end\n"
                + "local function handed_over_key() return " + p + " .. 'handed-over' end\n"
                + "local function worker_key(w) return " + p + " .. 'worker:' .. w end\n"
                + "local function seen_key(id) return " + p + " .. 'seen:' .. id end\n";
    }
}
