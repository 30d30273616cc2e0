package io.deployster.worker;

import io.deployster.job.JobStatus;
import io.deployster.queue.QueueEntry;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The worker's job slots and the jobs in them. A slot is taken before an entry is read and given back
 * here only: when nothing was read, when the entry was not run, or when its job ended (processes gone,
 * end recorded). Jobs waiting for a project lock are parked in Redis and hold no slot.
 */
final class RunnerPool {
    private static final System.Logger LOG = System.getLogger(RunnerPool.class.getName());

    /** Makes the execution of an admitted job; it calls {@code onEnd} once when it is over. */
    interface Executions {
        JobExecution create(Admission.Admitted job, Consumer<JobExecution> onEnd);
    }

    private final WorkerEvents events;

    private final int concurrency;
    private final Semaphore slots;
    private final ExecutorService threads;
    private final ScheduledExecutorService timers;
    private final Executions executions;
    private final LeaseKeeper leases;
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> timeouts = new ConcurrentHashMap<>();
    private final AtomicInteger admitting = new AtomicInteger();

    RunnerPool(int concurrency, ExecutorService threads, ScheduledExecutorService timers, Executions executions, LeaseKeeper leases,
               WorkerEvents events) {
        this.events = events;
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
        this.threads = threads;
        this.timers = timers;
        this.executions = executions;
        this.leases = leases;
    }

    /** Takes a slot, waiting for one to be free. */
    void acquire() throws InterruptedException {
        slots.acquire();
    }

    /** Free slots besides the one the caller holds. */
    int room() {
        return slots.availablePermits();
    }

    /** Slots neither running a job nor promised to an entry read but not started. */
    int idle() {
        return concurrency - running.size() - admitting.get();
    }

    /** The caller's slot was not used: nothing was read. */
    void giveBack() {
        slots.release();
    }

    /**
     * Decides on {@code entry} on a pool thread, holding the caller's slot; the reader goes straight back
     * to the queue, so jobs start in parallel.
     */
    void admit(QueueEntry entry, Function<QueueEntry, Optional<Admission.Admitted>> admission) {
        admitting.incrementAndGet();
        threads.execute(() -> {
            JobExecution started = null;
            try {
                Optional<Admission.Admitted> job = admission.apply(entry);
                if (job.isPresent()) {
                    started = start(job.get());
                }
            } catch (RuntimeException e) {
                // Redis unreachable mid-way: the entry stays pending and is taken over after claim-idle
                LOG.log(Level.WARNING, "could not act on queue entry {0} ({1}); it will be delivered again", entry.entryId(), e.toString());
            } finally {
                admitting.decrementAndGet();
                if (started == null) {
                    slots.release();
                }
            }
            // on this thread: handing the job to another costs a thread wake-up per job
            if (started != null) {
                started.run();
            }
        });
    }

    private JobExecution start(Admission.Admitted job) {
        JobExecution execution = executions.create(job, this::ended);
        running.put(job.id(), execution);
        leases.add(execution, job.sentAt());
        LOG.log(Level.INFO, "job {0} of project {1} started (fencing token {2})", job.id(), job.spec().project(), job.start().fencingToken());
        Integer timeout = job.spec().timeoutSeconds();
        if (timeout != null) {
            timeouts.put(job.id(), timers.schedule(() -> stop(job.id(), JobStatus.TIMED_OUT,
                    "timed out after " + timeout + " s (timeoutSeconds)"), timeout, TimeUnit.SECONDS));
        }
        events.started(job.id(), job.spec().queueOrDefault(), job.spec().project());
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

    /** Cancels or times out job {@code id} if it runs here, off the caller's thread. */
    void stop(String id, JobStatus status, String reason) {
        JobExecution execution = running.get(id);
        if (execution != null) {
            threads.execute(() -> execution.stop(status, reason));
        }
    }

    boolean runs(String id) {
        return running.containsKey(id);
    }

    int running() {
        return running.size();
    }

    /** Waits until no entry is being decided on: after it, no job starts that has not started yet. */
    void awaitAdmissions() throws InterruptedException {
        while (admitting.get() > 0) {
            Thread.sleep(5);
        }
    }

    /** Waits until every job ended or the deadline (System.nanoTime()) passed. @return true when none runs */
    boolean awaitIdle(long deadline) throws InterruptedException {
        return awaitIdle(deadline, () -> false);
    }

    /** As {@link #awaitIdle(long)}, giving up early once {@code giveUp} says so. */
    boolean awaitIdle(long deadline, java.util.function.BooleanSupplier giveUp) throws InterruptedException {
        while (!running.isEmpty() && System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            Thread.sleep(20);
        }
        return running.isEmpty();
    }

    /** Cancels every job still running. */
    void stopAll(String reason) {
        running.keySet().forEach(id -> stop(id, JobStatus.CANCELLED, reason));
    }
}
