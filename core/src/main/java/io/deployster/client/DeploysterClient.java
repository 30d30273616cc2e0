package io.deployster.client;

import io.deployster.callback.Delivery;
import io.deployster.job.JobIds;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.ops.WorkerInfo;
import io.deployster.ops.WorkersView;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.workflow.WorkflowResult;
import io.deployster.workflow.WorkflowSpec;
import io.deployster.workflow.WorkflowStore;
import io.deployster.workflow.WorkflowValidator;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a producer needs: submit a job, follow its log, read its state, cancel it. Used by the CLI
 * and the Jenkins step alike.
 */
public final class DeploysterClient implements AutoCloseable {
    private final Redis redis;
    private final JobQueue queue;
    private final LogFollower follower;
    private final boolean ownsRedis;
    private final WorkflowStore workflows;

    public DeploysterClient(Redis redis, JobQueue queue, LogFollower follower) {
        this(redis, queue, follower, false);
    }

    private DeploysterClient(Redis redis, JobQueue queue, LogFollower follower, boolean ownsRedis) {
        this.redis = redis;
        this.queue = queue;
        this.follower = follower;
        this.ownsRedis = ownsRedis;
        this.workflows = new WorkflowStore(redis, queue, Clock.systemUTC());
    }

    /** A client with its own connection pool and the default settings; closing it closes the pool. */
    public static DeploysterClient connect(String uri, QueueSettings settings) {
        return connect(uri, settings, null);
    }

    /** As {@link #connect(String, QueueSettings)}, signing jobs with {@code signer} when it is not null. */
    public static DeploysterClient connect(String uri, QueueSettings settings, JobSigner signer) {
        return open(Redis.connect(uri), settings, signer);
    }

    /** A client over {@code redis} that closes it when closed; signs jobs with {@code signer} unless null. */
    public static DeploysterClient open(Redis redis, QueueSettings settings, JobSigner signer) {
        Keys keys = Keys.defaults();
        JobQueue queue = JobQueue.create(redis, keys, settings, signer);
        return new DeploysterClient(redis, queue, new LogFollower(redis, keys), true);
    }

    /**
     * @throws io.deployster.job.InvalidJobException naming every field that is wrong, {@code workflow} and
     *     {@code workflowTask} among them when given (only the workflow engine sets those)
     */
    public String submit(JobSpec spec) {
        return queue.submit(spec);
    }

    /** Submits with secret values, which are sealed for the workers and masked in the log. */
    public String submit(JobSpec spec, Secrets secrets) {
        return queue.submit(spec, secrets);
    }

    /**
     * @return the job's state, or null when Redis has no such job (never submitted, or expired)
     * @throws RedisUnavailableException when Redis cannot be reached, even on a second try with a fresh connection
     */
    public JobState status(String id) {
        try {
            return queue.status(id);
        } catch (RedisUnavailableException e) {
            // a read is safe to repeat; the failed call dropped the pool's stale connections
            return queue.status(id);
        }
    }

    /**
     * Validates and queues a workflow (docs/workflows.md). Its id works wherever a job id does: status,
     * {@link #follow} (the combined log of its tasks, each line prefixed with the task's name) and cancel.
     *
     * @throws io.deployster.job.InvalidJobException naming every field that is wrong
     */
    public String submitWorkflow(WorkflowSpec spec) {
        new WorkflowValidator(new JobSpecValidator(JobLimits.DEFAULT)).validate(spec);
        return workflows.submit(spec);
    }

    /**
     * @return how the callback of the job or workflow {@code id} was delivered so far (docs/workflows.md,
     *     "Callbacks"), or null when it has no callback, none was tried yet, or there is no such job
     */
    public Delivery callback(String id) {
        String json = redis.hashField(queue.keys().job(JobIds.check(id)), Delivery.FIELD);
        return Delivery.fromJson(json);
    }

    /** @return the job the project's lock names now (the holder of its lease), or null when the lock is free */
    public String lockHolder(String project) {
        return redis.get(queue.keys().lock(project));
    }

    /** @return the worker's last heartbeat as the workers view shows it, or null when Redis has no record of it */
    public WorkerInfo worker(String name) {
        return new WorkersView(redis, queue.keys(), Clock.systemUTC()).list().stream().filter(w -> w.name().equals(name))
                .findFirst().orElse(null);
    }

    /** @return the workflow's state and each task's result, or null when there is no such workflow */
    public WorkflowResult workflow(String id) {
        return workflows.result(id);
    }

    /**
     * Cancels a job: a queued or waiting one ends at once, a running one is stopped by its worker.
     *
     * @param reason recorded on the job and shown in its log, at most {@value #MAX_CANCEL_REASON} characters
     * @throws IllegalArgumentException when the reason is longer, or holds a control character
     */
    public JobQueue.CancelOutcome cancel(String id, String reason) {
        if (reason.length() > MAX_CANCEL_REASON) {
            throw new IllegalArgumentException("cancel reason: " + reason.length() + " characters is too long; use at most "
                    + MAX_CANCEL_REASON + " (it is recorded on the job and shown in its log)");
        }
        // shown by status, the log and the operations page: a newline or an escape sequence would garble
        // them, or act on the terminal that prints it
        for (int i = 0; i < reason.length(); i++) {
            if (Character.isISOControl(reason.charAt(i))) {
                throw new IllegalArgumentException(String.format("cancel reason: use one line of text without control characters "
                        + "(found U+%04X at character %d)", (int) reason.charAt(i), i + 1));
            }
        }
        return queue.cancel(id, reason);
    }

    /**
     * Of {@code queues}, those no live worker serves now (none whose heartbeat, within its lost-after
     * time, names the queue), each once, in the given order: a job queued there waits until one does.
     */
    public List<String> unserved(Collection<String> queues) {
        Set<String> served = new WorkersView(redis, queue.keys(), Clock.systemUTC()).list().stream().filter(WorkerInfo::alive)
                .flatMap(w -> w.queues().stream()).collect(Collectors.toSet());
        return queues.stream().distinct().filter(q -> !served.contains(q)).toList();
    }

    /** The longest reason a producer may give a cancel, in characters. */
    public static final int MAX_CANCEL_REASON = 1000;

    /**
     * Hands each log entry after {@code afterId} ({@link LogFollower#START} for all) to {@code sink}
     * as it arrives, until the job ends.
     *
     * @return the job's final state
     * @throws NoSuchJobException when the job does not exist (or expired while being followed)
     */
    public JobState follow(String id, String afterId, Consumer<LogEntry> sink) throws InterruptedException {
        if (status(id) == null) {
            throw new NoSuchJobException(id);
        }
        LogEntry end = follower.follow(id, afterId, sink, jobId -> status(jobId) != null, jobId -> {
            JobState s = status(jobId);
            return s != null && s.status().isTerminal();
        }, new SilentWorkerNote());
        JobState state = status(id);
        // no 'finished' entry read: the job is gone, or it had ended before afterId (a resumed follower)
        if (state == null) {
            throw NoSuchJobException.vanished(id);
        }
        if (end == null && !state.status().isTerminal()) {
            throw new NoSuchJobException(id);
        }
        return state;
    }

    /**
     * While a followed job's log is quiet, looks every few seconds whether its worker still sends
     * heartbeats: the person watching is told once when it stopped (nobody runs the job any more; what
     * ends it), and once when it is back. One per follow: it remembers what it said.
     */
    private final class SilentWorkerNote implements Function<String, String> {
        private static final long LOOK_EVERY_NANOS = 3_000_000_000L;
        private long nextLook = System.nanoTime() + LOOK_EVERY_NANOS;
        /** The worker said to be silent, until it is back; null when nothing was said. */
        private String silent;

        @Override
        public String apply(String jobId) {
            long now = System.nanoTime();
            if (now - nextLook < 0) {
                return null;
            }
            nextLook = now + LOOK_EVERY_NANOS;
            JobState s = status(jobId);
            if (s == null || s.status() != JobStatus.RUNNING || s.worker() == null) {
                return null;
            }
            WorkerInfo w = worker(s.worker());
            boolean dead = w != null && !w.alive();
            if (dead && silent == null) {
                silent = s.worker();
                return "job " + jobId + ": its worker " + s.worker() + " sends no heartbeat (it crashed, was stopped or cannot "
                        + "reach Redis), so nothing may be running the job now: it ends lost once its lease runs out and a live "
                        + "worker marks it ('deployster workers' lists them)";
            }
            if (!dead && silent != null) {
                silent = null;
                return "job " + jobId + ": its worker " + s.worker() + " sends heartbeats again";
            }
            return null;
        }
    }

    /** Waits for the job to end without reading its output. */
    public JobState await(String id) throws InterruptedException {
        return follow(id, LogFollower.START, entry -> { });
    }

    /**
     * One page of the job's log: at most {@code max} entries after {@code afterId} ({@link LogFollower#START}
     * for the first), oldest first, without waiting. Empty when there are none (yet).
     */
    public List<LogEntry> log(String id, String afterId, int max) {
        return follower.read(id, afterId, max);
    }

    @Override
    public void close() {
        if (ownsRedis) {
            redis.close();
        }
    }
}
