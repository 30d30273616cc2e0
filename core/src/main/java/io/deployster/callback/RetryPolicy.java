package io.deployster.callback;

import java.time.Duration;

/**
 * How long a callback is tried: after a failed attempt wait {@code first}, then twice as long each
 * time up to {@code max}; no attempt starts later than {@code giveUpAfter} after the first one.
 *
 * @param requestTimeout limit of one attempt: connecting, sending and the receiver's answer
 */
public record RetryPolicy(Duration first, Duration max, Duration giveUpAfter, Duration requestTimeout) {
    /** 1 s, 2 s, 4 s ... 1 min between attempts, for at most 15 min; 10 s per attempt. */
    public static RetryPolicy standard() {
        return new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofSeconds(10));
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration delayAfter(int attempts) {
        long millis = first.toMillis();
        for (int i = 1; i < attempts && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
