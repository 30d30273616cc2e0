package io.deployster.redis;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * How many replicas must confirm a write that must survive a failover (submit, start, finish, lock
 * hand-off, cancel) before it counts as done, and how long to wait for them. Redis replicates
 * asynchronously: a write the primary acknowledged is lost when the primary dies before a replica got
 * it, and Sentinel promotes that replica. WAIT on the writer's connection closes that window; the
 * replication itself stays Redis' own.
 *
 * @param minReplicas replicas that must have the write; 0 waits for none (the default)
 * @param timeout how long to wait for them
 */
public record Durability(int minReplicas, Duration timeout) {
    public static final Durability NONE = new Durability(0, Duration.ZERO);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    static final String MIN_REPLICAS_PARAM = "min-replicas-acked";
    static final String TIMEOUT_PARAM = "replica-ack-timeout";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s)?");

    public Durability {
        if (minReplicas < 0 || minReplicas > 16) {
            throw new IllegalArgumentException("min-replicas-acked " + minReplicas + " is not allowed; use 0 (no waiting) to 16 replicas");
        }
        if (minReplicas > 0 && (timeout.toMillis() < 1 || timeout.toMillis() > 60_000)) {
            throw new IllegalArgumentException("replica-ack-timeout " + timeout.toMillis() + " ms is not allowed; use 1 ms to 60 s, "
                    + "e.g. 500ms: a write waits that long at most for its replicas");
        }
    }

    /**
     * From text (a URI's parameters or command-line options), null meaning "not given".
     *
     * @param source what the values come from, for error messages
     */
    public static Durability of(String minReplicas, String timeout, String source) {
        if (minReplicas == null && timeout == null) {
            return NONE;
        }
        int n = 0;
        if (minReplicas != null) {
            if (!minReplicas.strip().matches("\\d{1,2}")) {
                throw new IllegalArgumentException(source + " has " + MIN_REPLICAS_PARAM + " '" + minReplicas
                        + "'; use a number of replicas from 0 to 16");
            }
            n = Integer.parseInt(minReplicas.strip());
        }
        Duration wait = DEFAULT_TIMEOUT;
        if (timeout != null) {
            Matcher m = DURATION.matcher(timeout.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException(source + " has " + TIMEOUT_PARAM + " '" + timeout + "'; use e.g. 500ms or 2s");
            }
            long v = Long.parseLong(m.group(1));
            wait = "s".equals(m.group(2)) ? Duration.ofSeconds(v) : Duration.ofMillis(v);
        }
        return new Durability(n, wait);
    }

    public boolean waits() {
        return minReplicas > 0;
    }

    /**
     * Waits until {@link #minReplicas} replicas have every write made so far on {@code jedis}, or the
     * timeout passes.
     *
     * @return how many replicas confirmed (at least {@link #minReplicas} unless the timeout passed)
     */
    public long await(Jedis jedis) {
        return waits() ? jedis.waitReplicas(minReplicas, timeout.toMillis()) : 0;
    }

    @Override
    public String toString() {
        return waits() ? minReplicas + " replica(s) within " + timeout.toMillis() + " ms" : "no replica confirmation";
    }
}
