package io.deployster.workflow;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drives every unfinished workflow a step at a time, a few times a second. Every worker runs one, so a
 * workflow goes on as long as any worker is alive; a per-workflow driver key keeps two coordinators from
 * driving one workflow at once. When no worker is left the workflow's lease runs out and it ends as
 * lost, like a job.
 */
public final class WorkflowCoordinator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkflowCoordinator.class.getName());
    private static final long MAX_DRIVE_MILLIS = 15_000;
    /** How often each coordinator looks: the delay between a task's end and its dependents' submit. */
    public static final Duration EVERY = Duration.ofMillis(200);

    private final WorkflowStore store;
    private final WorkflowEngine engine;
    private final String name;
    private final long driveMillis;
    private final ScheduledExecutorService timer;
    /** System.nanoTime() of the first look that could not read the workflows, 0 while they can be read; timer thread only. */
    private long unreadableSince;

    /**
     * @param lease the workflows' lease (the worker's lock TTL): a coordinator killed in the middle of a
     *     step holds its driver key a third of it at most (15 s at most), so the others renew the lease in time
     */
    public WorkflowCoordinator(WorkflowStore store, WorkflowEngine engine, String name, Duration lease) {
        this.store = store;
        this.engine = engine;
        this.name = name;
        this.driveMillis = Math.min(MAX_DRIVE_MILLIS, lease.toMillis() / 3);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "workflow-coordinator");
            t.setDaemon(true);
            return t;
        });
    }

    public WorkflowCoordinator start() {
        timer.scheduleWithFixedDelay(this::tick, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at every unfinished workflow. */
    public void tick() {
        try {
            for (String id : store.active()) {
                if (drive(id)) {
                    try {
                        engine.advance(id);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "workflow {0}: step failed, will retry: {1}", id, e.toString());
                    } finally {
                        if (!store.release(id, name)) {
                            LOG.log(Level.WARNING, "workflow {0}: coordinator {1} took longer than its {2} ms driver right for one step; "
                                    + "another coordinator may have driven the workflow meanwhile", id, name, driveMillis);
                        }
                    }
                }
            }
            if (unreadableSince != 0) {
                LOG.log(Level.INFO, "workflow coordinator {0}: reads workflows again after {1} s", name,
                        (System.nanoTime() - unreadableSince) / 1_000_000_000L);
                unreadableSince = 0;
            }
        } catch (RuntimeException e) {
            // once per outage: it looks again every EVERY, which would be five lines a second
            if (unreadableSince == 0) {
                unreadableSince = System.nanoTime();
                LOG.log(Level.WARNING, "workflow coordinator {0}: cannot read workflows ({1}); retrying every {2} ms until it can",
                        name, e.toString(), EVERY.toMillis());
            }
        }
    }

    /** Takes the right to drive workflow {@code id} for one step; false when another coordinator holds it. */
    boolean drive(String id) {
        return store.drive(id, name, driveMillis);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
