package io.deployster.queue;

import java.time.Duration;

/**
 * Tunables of the protocol that producers and workers must agree on.
 *
 * @param lockTtl how long a project lock outlives its last renewal; a dead holder frees it this fast
 * @param logMaxLen approximate cap on entries kept in one job's log stream
 * @param retention how long a finished job's hash and log are kept
 */
public record QueueSettings(Duration lockTtl, long logMaxLen, Duration retention) {

    public static final QueueSettings DEFAULT = new QueueSettings(Duration.ofSeconds(30), 1_000_000, Duration.ofDays(7));

    public QueueSettings withLockTtl(Duration ttl) {
        return new QueueSettings(ttl, logMaxLen, retention);
    }
}
