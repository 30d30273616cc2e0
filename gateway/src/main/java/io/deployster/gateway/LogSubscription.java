package io.deployster.gateway;

/**
 * One follower of a job's log, fed by {@link LogHub} on the hub's thread through its {@link Listener}.
 * No thread waits for it: the listener hands the entries to a non-blocking writer. A follower whose
 * buffer is full is paused and later resumed from Redis, from the entry after the last it took, so
 * a slow client costs a bounded buffer and never delays the others.
 */
public final class LogSubscription implements AutoCloseable {
    /** Why a subscription ended without a 'finished' entry. */
    public enum End {
        /** The job's hash expired from Redis while it was followed. */
        JOB_GONE,
        /** The job ended, and the follower resumed after its 'finished' entry (or from an id past the end of its log). */
        PAST_END,
        /** The gateway is shutting down. */
        HUB_CLOSED
    }

    /**
     * What the hub tells a follower, always on the hub's thread, so it must not block: no Redis
     * calls, no blocking writes.
     */
    public interface Listener {
        /**
         * Takes the next entry of the log, in order.
         *
         * @return false when the follower's buffer is full: the hub keeps this entry and every later
         *     one back until {@link LogSubscription#resume()}
         */
        boolean offer(SharedEntry entry);

        /** The entries of one read have all been offered: write them out together. */
        void flush();

        /** The log ended without a 'finished' entry for this follower; nothing more comes. */
        void end(End why);
    }

    final String jobId;
    final Listener listener;
    /** Id of the last entry the listener took; guarded by the hub. */
    String last;
    /** True while the listener's buffer is full; guarded by the hub. */
    boolean paused;
    /** True once the listener took the 'finished' entry, was ended or closed; guarded by the hub. */
    boolean over;
    private final LogHub hub;

    LogSubscription(LogHub hub, String jobId, String after, Listener listener) {
        this.hub = hub;
        this.jobId = jobId;
        this.last = after;
        this.listener = listener;
    }

    /** Feeds the listener again after a {@code false} from {@link Listener#offer}, from Redis, after its last entry. */
    public void resume() {
        hub.resume(this);
    }

    /** Stops following; the listener may still get one call that is already under way. */
    @Override
    public void close() {
        hub.remove(this);
    }
}
