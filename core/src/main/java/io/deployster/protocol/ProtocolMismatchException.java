package io.deployster.protocol;

/**
 * A worker met a Redis namespace served with another protocol version than its own: it must not take
 * part, as the two versions lay out keys differently and would break each other's order and locks.
 */
public final class ProtocolMismatchException extends IllegalStateException {
    /**
     * @param namespace the key namespace
     * @param found the version recorded (or detected) on the namespace
     * @param evidence the key that tells, for the message
     */
    public ProtocolMismatchException(String namespace, int found, String evidence) {
        super("Redis namespace '" + namespace + "' is served with protocol version " + found + " (" + evidence + "), and this worker"
                + " speaks protocol version " + ProtocolVersion.CURRENT + "; workers of two versions must not share a namespace. "
                + (found < ProtocolVersion.CURRENT
                        ? "Stop every version " + found + " worker and producer and let their jobs end; then run version "
                                + ProtocolVersion.CURRENT + " with another --namespace, or remove the namespace's version " + found
                                + " keys first (docs/protocol.md, Versioning)."
                        : "Upgrade this worker to the version the others run, or give it another --namespace.")
                + "");
    }
}
