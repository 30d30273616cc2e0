package io.deployster.bench;

import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.queue.JobQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows one job's log as a user's {@code deployster logs -f} does (a blocking read per batch) and
 * notes, on this JVM's monotonic clock, when the 'started' and 'finished' events arrived.
 */
final class JobWatch implements Runnable {
    private final LogFollower follower;
    private final JobQueue queue;
    private final String id;
    private final Consumer<LogEntry> lines;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long startedNanos;
    private volatile long finishedNanos;
    private volatile boolean waited;
    private volatile String status;
    private volatile RuntimeException failure;

    JobWatch(LogFollower follower, JobQueue queue, String id, Consumer<LogEntry> lines) {
        this.follower = follower;
        this.queue = queue;
        this.id = id;
        this.lines = lines;
    }

    JobWatch(LogFollower follower, JobQueue queue, String id) {
        this(follower, queue, id, e -> { });
    }

    String id() {
        return id;
    }

    @Override
    public void run() {
        try {
            LogEntry end = follower.follow(id, LogFollower.START, this::accept, jobId -> queue.status(jobId) != null);
            if (end == null) {
                failure = new IllegalStateException("job " + id + " vanished from Redis while it was followed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("interrupted while following job " + id);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            started.countDown();
            finished.countDown();
        }
    }

    private void accept(LogEntry entry) {
        if (entry.isPartial()) {
            return; // counted when its line ends
        }
        long now = System.nanoTime();
        String event = entry.event();
        if (event == null) {
            lines.accept(entry);
        } else if (event.equals(Event.WAITING)) {
            waited = true;
        } else if (event.equals(Event.STARTED) && startedNanos == 0) {
            startedNanos = now;
            started.countDown();
        } else if (event.equals(Event.FINISHED)) {
            finishedNanos = now;
            status = entry.field(LogField.STATUS);
            finished.countDown();
        }
    }

    /** @return System.nanoTime when 'started' arrived */
    long awaitStarted(long timeoutSeconds) throws InterruptedException {
        await(started, "start", timeoutSeconds);
        if (startedNanos == 0) {
            throw new IllegalStateException("job " + id + " ended without a 'started' event (status " + status + ")");
        }
        return startedNanos;
    }

    /** @return System.nanoTime when 'finished' arrived; the job must have succeeded */
    long awaitSucceeded(long timeoutSeconds) throws InterruptedException {
        await(finished, "end", timeoutSeconds);
        if (!"succeeded".equals(status)) {
            throw new IllegalStateException("job " + id + " ended " + status + ", not succeeded; check the worker's log above");
        }
        return finishedNanos;
    }

    /** Whether the job was parked behind another job of its project before it started. */
    boolean waited() {
        return waited;
    }

    private void await(CountDownLatch latch, String what, long timeoutSeconds) throws InterruptedException {
        if (!latch.await(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("job " + id + " did not " + what + " within " + timeoutSeconds + " s");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
