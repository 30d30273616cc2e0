package io.deployster.gateway;

import io.deployster.log.LogEntry;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One follower's view of a job's log, fed by {@link LogHub}. The follower's own thread takes entries
 * with {@link #next}; the hub never blocks on a slow follower.
 */
public final class LogSubscription implements AutoCloseable {
    /** Why a subscription ended without a 'finished' entry. */
    public enum End { JOB_GONE, TOO_SLOW, HUB_CLOSED }

    /** What {@link #next} gives: an entry, or the end of the subscription. */
    public record Item(LogEntry entry, End end) {
    }

    /** A follower that fell this many entries behind is ended; it can resume from its last entry id. */
    static final int MAX_BACKLOG = 200_000;

    final String jobId;
    /** Id of the last entry handed to this subscription; written by the hub thread only. */
    String last;
    private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final LogHub hub;
    private volatile boolean over;

    LogSubscription(LogHub hub, String jobId, String after) {
        this.hub = hub;
        this.jobId = jobId;
        this.last = after;
    }

    /** @return the next entry or end, or null when none came within {@code timeoutMillis} */
    public Item next(long timeoutMillis) throws InterruptedException {
        return items.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Called by the hub: false when the subscription is over and wants nothing more. */
    boolean offer(LogEntry entry) {
        if (over) {
            return false;
        }
        if (items.size() >= MAX_BACKLOG) {
            end(End.TOO_SLOW);
            return false;
        }
        items.add(new Item(entry, null));
        if (entry.isFinished()) {
            over = true;
        }
        return !over;
    }

    void end(End why) {
        if (!over) {
            over = true;
            items.add(new Item(null, why));
        }
    }

    boolean isOver() {
        return over;
    }

    @Override
    public void close() {
        over = true;
        hub.remove(this);
    }
}
