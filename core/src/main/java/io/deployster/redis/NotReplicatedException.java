package io.deployster.redis;

/**
 * A write the primary made, but fewer replicas than required confirmed in time: it is not lost yet,
 * but it would be if the primary failed before replicating it.
 */
public final class NotReplicatedException extends RuntimeException {
    private final long acked;

    NotReplicatedException(String what, long acked, Durability durability) {
        super(what + " was written on the Redis primary, but only " + acked + " of " + durability.minReplicas()
                + " required replica(s) confirmed it within " + durability.timeout().toMillis() + " ms; it is lost if the primary "
                + "fails before replicating it (check the replicas: INFO replication)");
        this.acked = acked;
    }

    public long acked() {
        return acked;
    }
}
