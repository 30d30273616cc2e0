package io.deployster.protocol;

/**
 * The protocol version this build speaks (docs/protocol.md, "Versioning"). Scripts record it on every
 * job hash ({@link JobField#PROTOCOL}); a worker records it on the namespace and refuses to serve a
 * namespace or a job of another version.
 */
public final class ProtocolVersion {
    /** Version of the key layout and scripts in this build. */
    public static final int CURRENT = 3;

    private ProtocolVersion() {
    }
}
