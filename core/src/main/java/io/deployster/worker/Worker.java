package io.deployster.worker;

import io.deployster.callback.CallbackAddresses;
import io.deployster.callback.CallbackDispatcher;
import io.deployster.callback.RetryPolicy;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.Fetcher;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueEntry;
import io.deployster.redis.Backoff;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.run.LeaseGate;
import io.deployster.run.LeaseWatchdog;
import io.deployster.run.Posix;
import io.deployster.run.Subreaper;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.sign.KeyRing;
import io.deployster.workflow.OutputFiles;
import io.deployster.workflow.WorkflowCoordinator;
import io.deployster.workflow.WorkflowEngine;
import io.deployster.workflow.WorkflowStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Drains queues and runs up to {@code concurrency} jobs at once. Its parts, each a class:
 * <ul>
 *   <li>{@link Fetcher}: takes entries from the queues (consumer groups, backlog, take-over);</li>
 *   <li>{@link Admission}: decides for each entry: run it, or record why not;</li>
 *   <li>{@link RunnerPool}: the slots and the running {@link JobExecution}s, with their timeouts;</li>
 *   <li>{@link Supervisor}: lease renewal ({@link LeaseKeeper}), heartbeat, sweep, cancels;</li>
 *   <li>this class: the read loop, the wiring and the staged shutdown ({@link #close}).</li>
 * </ul>
 * Jobs waiting for their project's lock are parked in Redis, not here, so they hold no slot.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    private final Redis redis;
    private final JobQueue queue;
    private final WorkerOptions options;
    private final WorkerPolicy policy;
    private final Fetcher fetcher;
    private final Admission admission;
    private final WorkerEvents events;
    private final ExecutorService threads = Executors.newCachedThreadPool(Threads.daemon("job"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(Threads.daemon("timeouts"));
    private final Thread reader;
    private volatile boolean stopping;
    private Subreaper subreaper;
    private LeaseWatchdog watchdog;
    private OutputFiles outputs;
    private LeaseKeeper leases;
    private RunnerPool pool;
    private Supervisor supervisor;
    private WorkflowCoordinator workflows;
    private CallbackDispatcher callbacks;

    /** A worker without a policy: it runs every valid job (signed, when {@code queue} has keys). */
    public Worker(Redis redis, JobQueue queue, WorkerOptions options) {
        this(redis, queue, options, null);
    }

    /**
     * @param queue validates jobs and, when it has keys, runs only jobs signed with one of them
     * @param policy when given, only jobs within it run
     */
    public Worker(Redis redis, JobQueue queue, WorkerOptions options, WorkerPolicy policy) {
        this(redis, queue, options, policy, WorkerEvents.NONE);
    }

    /** @param events told of starts, ends, refusals, losses and log shipping (metrics) */
    public Worker(Redis redis, JobQueue queue, WorkerOptions options, WorkerPolicy policy, WorkerEvents events) {
        this.events = events;
        this.redis = redis;
        this.queue = queue;
        this.options = options;
        this.policy = policy;
        this.fetcher = new Fetcher(redis, queue.keys(), options.name(), options.queues(), options.claimIdle());
        this.admission = new Admission(queue, policy, options.name(), events);
        this.reader = Threads.daemon("reader").newThread(this::readLoop);
    }

    public String name() {
        return options.name();
    }

    // Two live workers of one name would share one consumer's pending entries (each re-reading the other's
    // backlog) and one heartbeat: the workers view would show one, and a clean stop of either would mark
    // both gone. A heartbeat left by a crashed run of this name expires unchanged; a live worker's changes
    // (its time) within a heartbeat interval. Only GET is used: the documented ACL allows no more.
    private void awaitOwnName() {
        String first = queue.liveHeartbeat(options.name());
        if (first == null) {
            return;
        }
        LOG.log(Level.INFO, "worker {0}: a worker of this name sent a heartbeat less than {1} s ago ({2}); waiting for it to expire, "
                + "as one left by a crashed run does", options.name(), options.lostAfter().toSeconds(), first);
        // the key has a TTL (at most its worker's --lost-after); this bound only guards against one set without
        long deadline = System.nanoTime() + options.lostAfter().multipliedBy(4).plusSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("worker " + options.name() + " interrupted while waiting for its name", e);
            }
            String now = queue.liveHeartbeat(options.name());
            if (now == null) {
                return;
            }
            if (!now.equals(first)) {
                throw new IllegalStateException("another worker named '" + options.name() + "' is running: it sent a heartbeat just now ("
                        + now + "). Two workers of one name would take each other's queue entries and show as one in 'deployster workers': "
                        + "give this one another --name, or stop the other first");
            }
        }
        throw new IllegalStateException("the heartbeat key of worker '" + options.name() + "' (" + first + ") has not expired in "
                + options.lostAfter().multipliedBy(4).plusSeconds(5).toSeconds() + " s although no worker renewed it; delete key "
                + queue.keys().worker(options.name()) + " if no worker of this name runs, or give this one another --name");
    }

    /** @throws io.deployster.protocol.ProtocolMismatchException when the namespace is served with another protocol version */
    public void start() {
        queue.claimProtocol();
        awaitOwnName();
        fetcher.joinGroups();
        fetcher.resumeOwn();
        subreaper = Subreaper.install(Posix.load());
        watchdog = LeaseWatchdog.start(id -> leases.watchdogFenced(id));
        leases = new LeaseKeeper(queue, queue.settings().lockTtl(), watchdog, LeaseGate.measure(), threads);
        WorkflowStore store = new WorkflowStore(redis, queue, Clock.systemUTC());
        callbacks = new CallbackDispatcher(redis, queue.keys(), queue.keyRing(), new CallbackAddresses(policy), RetryPolicy.standard(),
                Clock.systemUTC(), store);
        outputs = outputFiles();
        JobContext jobs = new JobContext(queue, redis, options, subreaper, leases, events, threads, outputs,
                ownSecrets(redis.uri(), queue.keyRing()));
        pool = new RunnerPool(options.concurrency(), threads, timers, (job, onEnd) -> new JobExecution(job.id(), job.spec(),
                job.secrets(), job.start(), jobs, ended -> {
                    try {
                        onEnd.accept(ended);
                    } finally {
                        // after the end is recorded and the slot freed: the callback only queues work of its own
                        if (job.spec().callbackUrl() != null) {
                            callbacks.ended(job.id());
                        }
                    }
                }), leases, events);
        supervisor = new Supervisor(redis, queue, options, leases, pool, fetcher, subreaper, events);
        supervisor.start();
        reader.start();
        // every worker drives workflows, so one goes on while any worker is alive (docs/workflows.md)
        workflows = new WorkflowCoordinator(store, new WorkflowEngine(store, options.name(), callbacks::ended), options.name(),
                queue.settings().lockTtl()).start();
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
        return pool == null ? 0 : pool.running();
    }

    // Takes a slot, then an entry for it; the slot goes with the entry to admission.
    private void readLoop() {
        Backoff backoff = Backoff.standard();
        while (!stopping) {
            try {
                pool.acquire();
            } catch (InterruptedException e) {
                return;
            }
            QueueEntry entry;
            try {
                entry = stopping ? null : fetcher.next(1 + pool.room());
                backoff.reset();
            } catch (RuntimeException e) {
                pool.giveBack();
                if (stopping) {
                    return;
                }
                LOG.log(Level.WARNING, "worker {0}: cannot read queues {1} from {2} ({3}); retrying in {4} ms",
                        options.name(), options.queues(), redis.uri(), e.getMessage(), backoff.nextMillis());
                try {
                    backoff.pause();
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (entry == null) {
                pool.giveBack();
            } else {
                // a stopping worker starts nothing more; the entry stays pending for another worker
                pool.admit(entry, e -> stopping ? Optional.empty() : admission.admit(e));
            }
        }
    }

    private volatile boolean graceCut;

    /**
     * A second stop request (SIGTERM or Ctrl-C again) during a shutdown: the jobs still running are
     * cancelled now instead of at the end of the shutdown grace.
     */
    public void cutShutdownGrace() {
        graceCut = true;
    }

    /**
     * Staged shutdown: first quiet (no more entries are read or started; entries read but not started
     * stay pending and are taken over by another worker), then running jobs may finish within the
     * shutdown grace, then the rest are cancelled and waited for; only then do the lease renewals,
     * the watchdog and the heartbeat stop.
     */
    @Override
    public void close() {
        stopping = true;
        reader.interrupt();
        try {
            reader.join(Redis.BLOCK_MILLIS * 3L);
            if (pool != null) {
                pool.awaitAdmissions();
                if (!pool.awaitIdle(System.nanoTime() + options.shutdownGrace().toNanos(), () -> graceCut)) {
                    pool.stopAll("worker " + options.name() + " shut down before the job ended"
                            + (graceCut ? " (a second stop request cut its shutdown grace short)" : ""));
                    pool.awaitIdle(Long.MAX_VALUE);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (workflows != null) {
            workflows.close();
        }
        if (callbacks != null) {
            callbacks.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        timers.shutdownNow();
        if (watchdog != null) {
            watchdog.close();
        }
        threads.shutdown();
        if (outputs != null) {
            try {
                outputs.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "worker {0}: its directory of job output files could not be removed: {1}", options.name(), e.getMessage());
            }
        }
        try {
            queue.forgetWorker(options.name()); // gone at once, not after lost-after: nothing of ours runs any more
        } catch (RuntimeException e) {
            // Redis unreachable: the key expires by itself
        }
        LOG.log(Level.INFO, "worker {0} stopped", options.name());
    }

    // A job runs as the worker's user, so it can read the keys file or the worker's /proc environ even
    // though it does not inherit the worker's settings: masked, such a read cannot put them in a log.
    private static Masker ownSecrets(RedisUri uri, KeyRing keys) {
        List<String> values = new ArrayList<>();
        values.add(uri.password());
        String raw = uri.uri().getRawUserInfo();
        if (raw != null && raw.indexOf(':') >= 0) {
            values.add(raw.substring(raw.indexOf(':') + 1)); // as written in the URI, percent-encoded
        }
        for (String id : keys.ids()) {
            values.add(Base64.getEncoder().encodeToString(keys.find(id).secret()));
        }
        return Masker.ignoringShorterThan(Secrets.MIN_LENGTH, values);
    }

    private OutputFiles outputFiles() {
        try {
            return OutputFiles.create();
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + options.name() + " cannot make a private directory for its jobs' output files in "
                    + System.getProperty("java.io.tmpdir") + " (" + e.getMessage() + "); make the temporary directory writable", e);
        }
    }
}
