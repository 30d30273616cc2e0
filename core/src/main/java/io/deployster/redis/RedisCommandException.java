package io.deployster.redis;

/**
 * Redis answered a command with an error (a full or read-only server, a key of the wrong type, a
 * permission the ACL user lacks): a problem of the data or the setup, not of the connection, so
 * retrying the same command does not help until someone fixes it. Thrown by {@link LogStreams} in
 * place of the client library's error; the message quotes Redis' own.
 */
public final class RedisCommandException extends RuntimeException {
    RedisCommandException(String what, String server, Throwable cause) {
        super("Redis at " + server + " refused " + what + ": " + cause.getMessage(), cause);
    }
}
