package io.deployster.queue;

import java.time.Duration;

/**
 * Tunables of the protocol that producers and workers must agree on.
 *
 * @param lockTtl the lease: how long a project lock outlives its last renewal (docs/design.md, "Lease and
 *     fencing"); at least 1 s
 * @param logMaxLen approximate cap on entries kept in one job's log stream
 * @param retention how long a finished job's hash and log are kept
 */
public record QueueSettings(Duration lockTtl, long logMaxLen, Duration retention) {

    public QueueSettings {
        if (lockTtl.toMillis() < 1000) {
            throw new IllegalArgumentException("lock TTL (lease) " + lockTtl.toMillis() + " ms is not allowed; use at least 1 s, "
                    + "so a worker renewing every tenth of it is not fenced by an ordinary pause");
        }
    }

    public static final QueueSettings DEFAULT = new QueueSettings(Duration.ofSeconds(30), 1_000_000, Duration.ofDays(7));

    public QueueSettings withLockTtl(Duration ttl) {
        return new QueueSettings(ttl, logMaxLen, retention);
    }
}
