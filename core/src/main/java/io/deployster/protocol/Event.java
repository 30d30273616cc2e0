package io.deployster.protocol;

/**
 * Names of the events in a job's log ({@link LogField#EVENT}; docs/protocol.md, the event table). In Lua
 * each is {@code EVENT_<NAME>}.
 */
public final class Event {
    /** Submitted: fields {@code queue}. */
    public static final String QUEUED = "queued";
    /** Parked behind the lock holder: {@code behind}, {@code behindSubmittedBy}. */
    public static final String WAITING = "waiting";
    /** Started: {@code worker}, {@code fencingToken}. */
    public static final String STARTED = "started";
    /** Before each command: {@code index}, {@code command}. */
    public static final String COMMAND = "command";
    /** After each command: {@code index}, {@code exit}. */
    public static final String COMMAND_ENDED = "command-ended";
    /** The worker stops the job (cancel or timeout): {@code message}. */
    public static final String STOPPING = "stopping";
    /** The worker killed the job because its lease is lost: {@code message}. */
    public static final String FENCED = "fenced";
    /** Anything else worth telling: {@code message}. */
    public static final String NOTE = "note";
    /** Always the last entry: {@code status}, {@code exit}, {@code failed}, {@code reason}. */
    public static final String FINISHED = "finished";
    /** Not stored: a follower's mark of entries missing from the stream: {@code missing}, {@code message}. */
    public static final String GAP = "gap";

    private Event() {
    }
}
