package io.deployster.job;

import java.util.Locale;

/** The states of a job; see docs/protocol.md for the transitions. */
public enum JobStatus {
    QUEUED, WAITING, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, LOST, REJECTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static JobStatus fromWireName(String name) {
        for (JobStatus s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job status '" + name + "'");
    }
}
