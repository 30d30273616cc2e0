package io.deployster.gateway;

import io.deployster.log.LogEntry;

/**
 * A log entry as the hub hands it to every follower of its job, with each wire form encoded once
 * and shared: a thousand followers of one job cost one encoding per entry, not a thousand. Used on
 * the hub's thread only, so the lazy fields need no lock.
 */
public final class SharedEntry {
    private final LogEntry entry;
    private final byte[][] encoded = new byte[LogResponses.Format.values().length][];

    SharedEntry(LogEntry entry) {
        this.entry = entry;
    }

    public LogEntry entry() {
        return entry;
    }

    /** The entry as {@code format} writes it; an empty array when the format shows nothing of it (text, a non-line event). */
    byte[] bytes(LogResponses.Format format) {
        byte[] b = encoded[format.ordinal()];
        if (b == null) {
            b = LogResponses.encode(entry, format);
            encoded[format.ordinal()] = b;
        }
        return b;
    }
}
