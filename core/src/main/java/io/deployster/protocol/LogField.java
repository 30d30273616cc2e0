package io.deployster.protocol;

/**
 * Fields of a job's log stream entries ({@code <namespace>:log:{id}}, docs/protocol.md, "Log stream
 * entries"): an output line has {@link #STREAM}, {@link #LINE} (or {@link #PARTIAL}) and {@link #TS}; an
 * event has {@link #EVENT}, {@link #TS} and its own fields, below. In Lua each is {@code LOG_<NAME>}.
 */
public final class LogField {
    /** Event name, one of {@link Event}. */
    public static final String EVENT = "e";
    /** Epoch milliseconds on the writer. */
    public static final String TS = "ts";
    /** Output stream of a line: {@code out} or {@code err}. */
    public static final String STREAM = "s";
    /** A finished output line's text, without its line end. */
    public static final String LINE = "l";
    /**
     * A partial line's text so far, instead of {@link #LINE}: readers that do not know it skip the
     * entry, and the finished line follows anyway.
     */
    public static final String PARTIAL = "pl";

    // the events' own fields
    public static final String QUEUE = "queue";
    public static final String BEHIND = "behind";
    public static final String BEHIND_SUBMITTED_BY = "behindSubmittedBy";
    public static final String WORKER = "worker";
    public static final String FENCING_TOKEN = "fencingToken";
    public static final String INDEX = "index";
    public static final String COMMAND = "command";
    public static final String EXIT = "exit";
    public static final String FAILED = "failed";
    public static final String STATUS = "status";
    public static final String REASON = "reason";
    public static final String MESSAGE = "message";
    public static final String MISSING = "missing";

    private LogField() {
    }
}
