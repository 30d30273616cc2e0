package io.deployster.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * Redis could not be reached, or the connection broke before its answer came (the server stopped,
 * restarted or failed over; the network; a TLS mismatch). Thrown by the Redis layer ({@link Redis},
 * {@link LogStreams} and the queue) in place of the client library's connection errors, so callers
 * need no client type to tell an outage from a bug. The message names the server and what to check;
 * the cause is the client's own error, for logs.
 */
public final class RedisUnavailableException extends RuntimeException {
    private final String server;
    private final String reason;

    RedisUnavailableException(String server, Throwable cause) {
        this(server, reason(cause), cause);
    }

    private RedisUnavailableException(String server, String reason, Throwable cause) {
        super("cannot reach Redis at " + server + " (" + reason + "); check that the server is up and reachable from this host "
                + "and that the Redis URI given here is right; work resumes once it answers", cause);
        this.server = server;
        this.reason = reason;
    }

    /** The server, as its URI without the password (a Sentinel URI names the sentinels). */
    public String server() {
        return server;
    }

    /** What went wrong, in a few words: "connection refused", "no answer within 11000 ms", ... */
    public String reason() {
        return reason;
    }

    /** The client's errors in words of our own: the network's cause when there is one, never the client's class names. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String network = network(t);
            // the client tries each address of a host in turn, and keeps each one's failure as a suppressed exception
            for (int i = 0; network == null && i < t.getSuppressed().length; i++) {
                network = network(t.getSuppressed()[i]);
            }
            if (network != null) {
                return network;
            }
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.contains("end of stream")) {
            return "the server closed the connection";
        }
        if (message.contains("connect")) {
            return "could not connect";
        }
        return "the connection broke";
    }

    private static String network(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof SSLException) {
            return "TLS failed: " + t.getMessage();
        }
        if (t instanceof IOException && t.getMessage() != null) {
            return t.getMessage();
        }
        return null;
    }
}
