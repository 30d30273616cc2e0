package io.deployster.queue;

import java.time.Duration;

/**
 * Tunables of the protocol that producers and workers must agree on.
 *
 * @param lockTtl the lease: how long a project lock outlives its last renewal (docs/design.md, "Lease and
 *     fencing"); at least 1 s
 * @param logMaxLen approximate cap on entries kept in one job's log stream
 * @param retention how long a finished job's hash and log are kept
 * @param historyLimit how many ended deploys each project's history keeps (they outlive {@code retention})
 */
public record QueueSettings(Duration lockTtl, long logMaxLen, Duration retention, int historyLimit) {
    public static final int DEFAULT_HISTORY_LIMIT = 1000;
    public static final int MAX_HISTORY_LIMIT = 1_000_000;

    public QueueSettings {
        if (lockTtl.toMillis() < 1000) {
            throw new IllegalArgumentException("lock TTL (lease) " + lockTtl.toMillis() + " ms is not allowed; use at least 1 s, "
                    + "so a worker renewing every tenth of it is not fenced by an ordinary pause");
        }
        if (historyLimit < 1 || historyLimit > MAX_HISTORY_LIMIT) {
            throw new IllegalArgumentException("history limit " + historyLimit + " is not allowed; use 1 to " + MAX_HISTORY_LIMIT
                    + " deploys per project");
        }
    }

    /** Settings keeping the default history of {@value #DEFAULT_HISTORY_LIMIT} deploys per project. */
    public QueueSettings(Duration lockTtl, long logMaxLen, Duration retention) {
        this(lockTtl, logMaxLen, retention, DEFAULT_HISTORY_LIMIT);
    }

    public static final QueueSettings DEFAULT = new QueueSettings(Duration.ofSeconds(30), 1_000_000, Duration.ofDays(7));

    public QueueSettings withLockTtl(Duration ttl) {
        return new QueueSettings(ttl, logMaxLen, retention, historyLimit);
    }

    public QueueSettings withHistoryLimit(int limit) {
        return new QueueSettings(lockTtl, logMaxLen, retention, limit);
    }
}
