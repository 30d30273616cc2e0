package io.deployster.worker;

import io.deployster.job.JobStatus;
import io.deployster.ops.WorkerInfo;
import io.deployster.queue.CancelListener;
import io.deployster.queue.Fetcher;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.run.Subreaper;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a worker does besides running jobs, each on a schedule of its own:
 * <ul>
 *   <li>lease renewal of its running jobs, every tenth of the lease, on a thread of its own so nothing
 *       delays it ({@link LeaseKeeper});</li>
 *   <li>heartbeat, then sweep (lapsed leases, free locks), then take-over of abandoned entries and
 *       reaping of orphaned processes, every 2 s (or a fifth of lost-after when shorter);</li>
 *   <li>cancel requests as they are published.</li>
 * </ul>
 */
final class Supervisor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(2);

    private final JobQueue queue;
    private final WorkerOptions options;
    private final LeaseKeeper leases;
    private final RunnerPool pool;
    private final Fetcher fetcher;
    private final Subreaper subreaper;
    private final CancelListener cancels;
    private final WorkerEvents events;
    private final ScheduledExecutorService leaseTimer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("leases"));
    private final ScheduledExecutorService sweepTimer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("sweep"));
    private volatile boolean closed;

    Supervisor(Redis redis, JobQueue queue, WorkerOptions options, LeaseKeeper leases, RunnerPool pool, Fetcher fetcher,
               Subreaper subreaper, WorkerEvents events) {
        this.events = events;
        this.queue = queue;
        this.options = options;
        this.leases = leases;
        this.pool = pool;
        this.fetcher = fetcher;
        this.subreaper = subreaper;
        this.cancels = new CancelListener(redis, queue.keys(), this::cancelRequested);
    }

    void start() {
        heartbeat();
        cancels.start();
        long renewMillis = leases.renewEvery().toMillis();
        leaseTimer.scheduleWithFixedDelay(guarded(leases::renewAll), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        long sweepMillis = Math.min(SWEEP_EVERY.toMillis(), options.heartbeatEvery().toMillis());
        sweepTimer.scheduleWithFixedDelay(guarded(() -> {
            heartbeat();
            sweep();
            fetcher.claimAbandoned(pool.idle() - fetcher.backlog());
            subreaper.reapOrphans();
        }), sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    private void cancelRequested(String id) {
        if (pool.runs(id)) {
            String reason = queue.cancelReason(id);
            pool.stop(id, JobStatus.CANCELLED, reason == null ? "cancelled" : reason);
        }
    }

    private void heartbeat() {
        queue.heartbeat(options.name(), options.lostAfter(), WorkerInfo.describe(options.queues(), pool.running(),
                options.concurrency(), System.currentTimeMillis()));
    }

    private void sweep() {
        JobQueue.Sweep sweep = queue.sweep();
        for (String lost : sweep.lost()) {
            events.lost(WorkerEvents.Loss.LEASE_EXPIRED);
            LOG.log(Level.WARNING, "job {0} marked lost: its lease ran out (its worker crashed, stalled or lost Redis)", lost);
        }
        for (String started : sweep.handedOver()) {
            LOG.log(Level.INFO, "job {0} got its project''s lock, which was free", started);
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "worker {0}: background task failed, will retry: {1}", options.name(), e.toString());
                }
            }
        };
    }

    /** Stops every schedule; call once no job runs. */
    @Override
    public void close() {
        closed = true;
        cancels.close();
        leaseTimer.shutdownNow();
        sweepTimer.shutdownNow();
    }
}
