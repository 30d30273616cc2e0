package io.deployster.redis;

import java.time.Duration;

/**
 * The one retry policy for Redis outages: wait {@code first}, then twice as long each time up to
 * {@code max}, and start again from {@code first} after a success. Not thread-safe: one per loop.
 */
public final class Backoff {
    /** Waits of 50 ms, 100 ms, 200 ms ... 5 s: quick after a blip, gentle during an outage. */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));
    }

    private final long firstMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(Duration first, Duration max) {
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = firstMillis;
    }

    /** The wait before the next try, in ms, for messages. */
    public long nextMillis() {
        return nextMillis;
    }

    /** Sleeps the next wait, then doubles it (up to the maximum). */
    public void pause() throws InterruptedException {
        Thread.sleep(nextMillis);
        nextMillis = Math.min(nextMillis * 2, maxMillis);
    }

    /** A try succeeded: the next failure waits the first wait again. */
    public void reset() {
        nextMillis = firstMillis;
    }
}
