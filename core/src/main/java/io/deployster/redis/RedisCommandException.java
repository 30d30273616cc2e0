package io.deployster.redis;

/**
 * Redis answered a command with an error (a full or read-only server, a key of the wrong type, a
 * permission the ACL user lacks): a problem of the data or the setup, not of the connection, so
 * retrying the same command does not help until someone fixes it. Thrown by the Redis layer
 * ({@link Redis#call}, {@link LogStreams}, {@link Batch}) in place of the client library's error; the
 * message quotes Redis' own, e.g. {@code NOPERM ...}, {@code WRONGTYPE ...} or a script's
 * {@code WRONGPROJECT ...}.
 */
public final class RedisCommandException extends RuntimeException {
    private final String redisError;

    RedisCommandException(String what, String server, Throwable cause) {
        super("Redis at " + server + " refused " + what + ": " + cause.getMessage(), cause);
        this.redisError = String.valueOf(cause.getMessage());
    }

    /** Redis' error reply as it came, starting with its code (NOGROUP, BUSYGROUP, NOPERM, ...). */
    public String redisError() {
        return redisError;
    }
}
