package io.deployster.worker;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.run.LeaseWatchdog;
import io.deployster.run.Posix;
import io.deployster.run.Subreaper;
import io.deployster.secret.Secrets;
import io.deployster.sign.RejectedJobException;
import io.deployster.workflow.WorkflowCoordinator;
import io.deployster.workflow.WorkflowEngine;
import io.deployster.workflow.WorkflowStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Drains queues with blocking consumer-group reads and runs up to {@code concurrency} jobs at once.
 * Jobs waiting for their project's lock are parked in Redis, not here, so they hold no slot.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(2);

    private final Redis redis;
    private final JobQueue queue;
    private final Keys keys;
    private final WorkerOptions options;
    private final WorkerPolicy policy;
    private final Semaphore slots;
    private final Deque<Taken> backlog = new ArrayDeque<>();
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final ExecutorService jobs;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService leaseTimer;
    private final Map<String, ScheduledFuture<?>> timeouts = new ConcurrentHashMap<>();
    private Subreaper subreaper;
    private LeaseWatchdog watchdog;
    private LeaseKeeper leases;
    private final Thread reader;
    private final Thread cancelListener;
    private final JedisPubSub cancels = new CancelSubscriber();
    private volatile boolean stopping;
    private WorkflowCoordinator workflows;
    private final AtomicInteger dispatching = new AtomicInteger();

    private record Taken(String queue, StreamEntry entry) {
    }

    /** A worker without a policy: it runs every valid job (signed, when {@code queue} has keys). */
    public Worker(Redis redis, JobQueue queue, WorkerOptions options) {
        this(redis, queue, options, null);
    }

    /**
     * @param queue validates jobs and, when it has keys, runs only jobs signed with one of them
     * @param policy when given, only jobs within it run
     */
    public Worker(Redis redis, JobQueue queue, WorkerOptions options, WorkerPolicy policy) {
        this.policy = policy;
        this.redis = redis;
        this.queue = queue;
        this.keys = queue.keys();
        this.options = options;
        this.slots = new Semaphore(options.concurrency());
        this.jobs = Executors.newCachedThreadPool(daemon("job"));
        this.timers = Executors.newScheduledThreadPool(1, daemon("timers"));
        this.leaseTimer = Executors.newSingleThreadScheduledExecutor(daemon("leases"));
        this.reader = daemon("reader").newThread(this::readLoop);
        this.cancelListener = daemon("cancels").newThread(this::listenForCancels);
    }

    public String name() {
        return options.name();
    }

    public void start() {
        for (String q : options.queues()) {
            createGroup(q);
        }
        subreaper = Subreaper.install(Posix.load());
        watchdog = LeaseWatchdog.start(id -> leases.watchdogFenced(id));
        leases = new LeaseKeeper(queue, queue.settings().lockTtl(), watchdog, jobs);
        heartbeat();
        cancelListener.start();
        reader.start();
        long beatMillis = options.heartbeatEvery().toMillis();
        // a thread of its own: a slow sweep must never delay a renewal
        long renewMillis = leases.renewEvery().toMillis();
        leaseTimer.scheduleWithFixedDelay(guarded(leases::renewAll), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        // heartbeat (liveness shown to operators), sweep (lapsed leases, free locks) and orphan reaping
        long sweepMillis = Math.min(SWEEP_EVERY.toMillis(), beatMillis);
        timers.scheduleWithFixedDelay(guarded(() -> {
            heartbeat();
            sweep();
            subreaper.reapOrphans();
        }), sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        // every worker drives workflows, so one goes on while any worker is alive (docs/workflows.md)
        WorkflowStore store = new WorkflowStore(redis, queue, java.time.Clock.systemUTC());
        workflows = new WorkflowCoordinator(store, new WorkflowEngine(store, options.name(), id -> { }), options.name()).start();
        LOG.log(Level.INFO, "worker {0} serving queues {1} with {2} slot(s) on {3}", options.name(), options.queues(),
                options.concurrency(), redis.uri());
        if (!queue.signs()) {
            LOG.log(Level.WARNING, "worker {0} runs UNSIGNED jobs: anyone who can write to this Redis can run commands on this host. "
                    + "Give it keys (DEPLOYSTER_KEYS or --keys-file) to accept signed jobs only.", options.name());
        }
        if (policy == null) {
            LOG.log(Level.WARNING, "worker {0} has no policy file: jobs may cd anywhere and run any command this user can. "
                    + "Limit them with --policy (see docs/security.md).", options.name());
        }
    }

    /** Number of jobs running on this worker now. */
    public int running() {
        return running.size();
    }

    private void createGroup(String q) {
        redis.run(j -> {
            try {
                // from 0, so jobs submitted before any worker existed are served too
                j.xgroupCreate(keys.queue(q), Keys.GROUP, new StreamEntryID(0, 0), true);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                    throw e;
                }
            }
        });
    }

    private void readLoop() {
        long backoff = 100;
        while (!stopping) {
            boolean holdingSlot = false;
            try (Jedis jedis = redis.borrow()) {
                while (!stopping) {
                    slots.acquire();
                    holdingSlot = true;
                    Taken next = pollBacklog();
                    if (next == null) {
                        next = read(jedis, 1 + slots.availablePermits());
                    }
                    holdingSlot = false;
                    if (next == null) {
                        slots.release();
                    } else {
                        // checks, start script and process launch run on the job's thread, so the
                        // reader goes straight back to the queue and jobs start in parallel
                        Taken taken = next;
                        dispatching.incrementAndGet();
                        jobs.execute(() -> dispatchHoldingSlot(taken));
                    }
                    backoff = 100;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (holdingSlot) {
                    slots.release();
                }
                if (stopping) {
                    return;
                }
                LOG.log(Level.WARNING, "worker {0}: cannot read queues {1} from {2} ({3}); retrying in {4} ms",
                        options.name(), options.queues(), redis.uri(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                    if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                        // Redis came back without our data (no persistence): serve what is queued from now on
                        options.queues().forEach(this::createGroup);
                    }
                } catch (InterruptedException ie) {
                    return;
                } catch (RuntimeException stillDown) {
                    // next round retries
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private synchronized Taken pollBacklog() {
        return backlog.pollFirst();
    }

    private Taken read(Jedis jedis, int count) {
        Map<String, StreamEntryID> streams = new HashMap<>();
        for (String q : options.queues()) {
            streams.put(keys.queue(q), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
        }
        List<Map.Entry<String, List<StreamEntry>>> reply = jedis.xreadGroup(Keys.GROUP, options.name(),
                XReadGroupParams.xReadGroupParams().count(count).block(Redis.BLOCK_MILLIS), streams);
        if (reply == null) {
            return null;
        }
        synchronized (this) {
            for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                String q = queueName(stream.getKey());
                for (StreamEntry e : stream.getValue()) {
                    backlog.addLast(new Taken(q, e));
                }
            }
        }
        return pollBacklog();
    }

    private String queueName(String key) {
        for (String q : options.queues()) {
            if (keys.queue(q).equals(key)) {
                return q;
            }
        }
        throw new IllegalStateException("reply for a stream this worker did not read: " + key);
    }

    private void dispatchHoldingSlot(Taken taken) {
        JobExecution started = null;
        try {
            // a stopping worker starts nothing more; the entry stays pending for another worker
            started = stopping ? null : dispatch(taken);
        } catch (RuntimeException e) {
            // Redis unreachable mid-way: the entry stays pending and is taken over after claim-idle
            LOG.log(Level.WARNING, "worker {0}: could not act on queue entry {1} ({2}); it will be delivered again",
                    options.name(), taken.entry().getID(), e.toString());
        } finally {
            dispatching.decrementAndGet();
            if (started == null) {
                slots.release();
            }
        }
        // on this thread: a second hand-over to the pool costs a thread wake-up per job (issue 13)
        if (started != null) {
            started.run();
        }
    }

    /** @return the job started, which holds the slot until it ends and is to be run by the caller; null when none */
    private JobExecution dispatch(Taken taken) {
        String entryId = taken.entry().getID().toString();
        Map<String, String> fields = taken.entry().getFields();
        String id = fields.get("job");
        String specJson = fields.get("spec");
        if (!JobIds.isValid(id)) {
            String newId = queue.newId();
            queue.reject(newId, taken.queue(), entryId, JobStatus.FAILED, "queue entry " + entryId + " on queue '" + taken.queue()
                    + "' has no valid job id (field 'job'); it was recorded as job " + newId + " and not run", raw(fields));
            LOG.log(Level.WARNING, "worker {0}: rejected queue entry {1} on {2}: no valid job id; recorded as job {3}",
                    options.name(), entryId, taken.queue(), newId);
            return null;
        }
        JobSpec spec = null;
        Secrets secrets;
        try {
            spec = JobCodec.parseSpec(specJson);
            queue.check(id, spec, specJson, fields);
            if (policy != null) {
                policy.check(spec);
            }
            secrets = queue.open(id, spec);
        } catch (InvalidJobException e) {
            queue.reject(id, taken.queue(), entryId, JobStatus.FAILED, e.getMessage(), raw(fields));
            LOG.log(Level.WARNING, "worker {0}: job {1} is invalid, not run: {2}", options.name(), id, e.getMessage());
            return null;
        } catch (RejectedJobException | IllegalArgumentException e) {
            queue.reject(id, taken.queue(), entryId, JobStatus.REJECTED, e.getMessage(), raw(fields));
            LOG.log(Level.WARNING, "worker {0}: job {1} of project {2} rejected, not run: {3}", options.name(), id, spec.project(),
                    e.getMessage());
            return null;
        }
        pauseBeforeStart();
        long sentAt = System.nanoTime();
        JobQueue.Start start = queue.start(id, options.name(), taken.queue(), entryId, fields, spec.project());
        switch (start.decision()) {
            case RUN -> {
                return run(id, spec, secrets, start, sentAt);
            }
            case WAIT -> LOG.log(Level.INFO, "job {0} of project {1} waits for the lock held by job {2}", id, spec.project(), start.detail());
            case SKIP -> LOG.log(Level.INFO, "queue entry {0} for job {1} ignored: the job is already {2} (a repeated delivery or a replay)",
                    entryId, id, start.detail());
            case REPLAYED -> {
                queue.reject(id, taken.queue(), entryId, JobStatus.REJECTED, "replayed: job " + id + " has already been started once; "
                        + "a signed job runs at most once, submit a new one", raw(fields));
                LOG.log(Level.WARNING, "worker {0}: job {1} rejected as a replay", options.name(), id);
            }
        }
        return null;
    }

    // Test hook (system property deployster.test.pauseBeforeStartMillis): widens the window between
    // taking an entry and starting its job, so a test can kill the worker inside it.
    private static void pauseBeforeStart() {
        long millis = Long.getLong("deployster.test.pauseBeforeStartMillis", 0);
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private JobExecution run(String id, JobSpec spec, Secrets secrets, JobQueue.Start start, long sentAt) {
        JobExecution execution = new JobExecution(id, spec, secrets, start, queue, redis, options, subreaper, leases, this::ended);
        running.put(id, execution);
        leases.add(execution, sentAt);
        LOG.log(Level.INFO, "job {0} of project {1} started (fencing token {2})", id, spec.project(), start.fencingToken());
        if (spec.timeoutSeconds() != null) {
            timeouts.put(id, timers.schedule(() -> stopAsync(execution, JobStatus.TIMED_OUT,
                    "timed out after " + spec.timeoutSeconds() + " s (timeoutSeconds)"), spec.timeoutSeconds(), TimeUnit.SECONDS));
        }
        return execution;
    }

    // The job's processes are gone and its end is recorded (or could not be): its slot is free.
    private void ended(JobExecution execution) {
        running.remove(execution.id());
        leases.remove(execution);
        ScheduledFuture<?> timeout = timeouts.remove(execution.id());
        if (timeout != null) {
            timeout.cancel(false);
        }
        slots.release();
    }

    private void stopAsync(JobExecution execution, JobStatus status, String reason) {
        jobs.execute(() -> execution.stop(status, reason));
    }

    private void heartbeat() {
        queue.heartbeat(options.name(), options.lostAfter(), "queues=" + String.join(",", options.queues())
                + " running=" + running.size() + "/" + options.concurrency());
    }

    private void sweep() {
        JobQueue.Sweep sweep = queue.sweep();
        for (String lost : sweep.lost()) {
            LOG.log(Level.WARNING, "job {0} marked lost: its lease ran out (its worker crashed, stalled or lost Redis)", lost);
        }
        for (String started : sweep.handedOver()) {
            LOG.log(Level.INFO, "job {0} got a project lock whose holder had ended or vanished", started);
        }
        claimOrphans();
    }

    // Entries taken by a worker that died before starting them are delivered again.
    private void claimOrphans() {
        int free;
        synchronized (this) {
            free = options.concurrency() - running.size() - backlog.size();
        }
        if (free <= 0) {
            return;
        }
        for (String q : options.queues()) {
            Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.call(j -> j.xautoclaim(keys.queue(q), Keys.GROUP,
                    options.name(), options.claimIdle().toMillis(), new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(free)));
            synchronized (this) {
                for (StreamEntry e : claimed.getValue()) {
                    if (e != null && backlog.stream().noneMatch(t -> t.entry().getID().equals(e.getID()))) {
                        LOG.log(Level.INFO, "worker {0}: took over queue entry {1} ({2}) left unstarted by another worker",
                                options.name(), e.getID(), e.getFields().get("job"));
                        backlog.addLast(new Taken(q, e));
                    }
                }
            }
        }
    }

    private void listenForCancels() {
        long backoff = 100;
        while (!stopping) {
            try (Jedis jedis = redis.borrow()) {
                jedis.subscribe(cancels, keys.cancelChannel());
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                // the lock renewal also reads cancel requests, so none is missed while we reconnect
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private final class CancelSubscriber extends JedisPubSub {
        @Override
        public void onMessage(String channel, String id) {
            JobExecution execution = running.get(id);
            if (execution != null) {
                String reason = redis.call(j -> j.hget(keys.job(id), "cancelRequested"));
                stopAsync(execution, JobStatus.CANCELLED, reason == null || reason.isEmpty() ? "cancelled" : reason);
            }
        }
    }

    /**
     * Stops taking jobs, lets running ones finish within the shutdown grace, then cancels the rest.
     * Entries taken but not started stay pending and are taken over by another worker.
     */
    @Override
    public void close() {
        stopping = true;
        reader.interrupt();
        try {
            cancels.unsubscribe();
        } catch (RuntimeException e) {
            // not subscribed yet
        }
        try {
            reader.join(Redis.BLOCK_MILLIS * 3L);
            while (dispatching.get() > 0) {
                Thread.sleep(5);
            }
            long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (JobExecution execution : running.values()) {
                stopAsync(execution, JobStatus.CANCELLED, "worker " + options.name() + " shut down before the job ended");
            }
            while (!running.isEmpty()) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (workflows != null) {
            workflows.close();
        }
        timers.shutdownNow();
        leaseTimer.shutdownNow();
        if (watchdog != null) {
            watchdog.close();
        }
        jobs.shutdown();
        try {
            // gone at once, not after lost-after: nothing of ours is running any more
            redis.run(j -> j.del(keys.worker(options.name())));
        } catch (RuntimeException e) {
            // Redis unreachable: the key expires by itself
        }
        LOG.log(Level.INFO, "worker {0} stopped", options.name());
    }

    private static String raw(Map<String, String> fields) {
        String text = fields.toString();
        return text.length() <= 4096 ? text : text.substring(0, 4096) + "...";
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, "worker {0}: background task failed, will retry: {1}", options.name(), e.toString());
                }
            }
        };
    }

    private ThreadFactory daemon(String role) {
        return r -> {
            Thread t = new Thread(r, "worker-" + role);
            t.setDaemon(true);
            return t;
        };
    }
}
