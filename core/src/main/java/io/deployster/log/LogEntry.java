package io.deployster.log;

import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import java.util.Map;

/**
 * One entry of a job's log stream: an output line ({@code s}, {@code l}, {@code ts}) or a typed
 * event ({@code e}, {@code ts} and the event's own fields). See docs/protocol.md.
 *
 * @param id the stream entry id; pass it back to resume reading right after this entry
 */
public record LogEntry(String id, Map<String, String> fields) {
    public static final String STDOUT = "out";
    public static final String STDERR = "err";
    public LogEntry {
        fields = Map.copyOf(fields);
    }

    public boolean isLine() {
        return fields.containsKey(LogField.LINE);
    }

    /**
     * True for the current state of a line without line end yet (a prompt, a progress bar): the same
     * stream's next partial or finished line replaces it.
     */
    public boolean isPartial() {
        return fields.containsKey(LogField.PARTIAL);
    }

    /** A partial line's text so far. */
    public String partialText() {
        return fields.get(LogField.PARTIAL);
    }

    /** The event name (queued, waiting, started, command, command-ended, finished, ...), or null for a line. */
    public String event() {
        return fields.get(LogField.EVENT);
    }

    public boolean isFinished() {
        return Event.FINISHED.equals(event());
    }

    /** The output line's text, without its line end. */
    public String text() {
        return fields.get(LogField.LINE);
    }

    /** {@value #STDOUT} or {@value #STDERR} for a line. */
    public String stream() {
        return fields.get(LogField.STREAM);
    }

    public long timestamp() {
        String ts = fields.get(LogField.TS);
        return ts == null ? 0 : Long.parseLong(ts);
    }

    public String field(String name) {
        return fields.get(name);
    }
}
