package io.deployster.log;

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
    /**
     * Field of a partial line's text, instead of {@code l}: readers that do not know it skip the
     * entry, and the finished line follows anyway (docs/protocol.md).
     */
    public static final String PARTIAL = "pl";

    public LogEntry {
        fields = Map.copyOf(fields);
    }

    public boolean isLine() {
        return fields.containsKey("l");
    }

    /**
     * True for the current state of a line without line end yet (a prompt, a progress bar): the same
     * stream's next partial or finished line replaces it.
     */
    public boolean isPartial() {
        return fields.containsKey(PARTIAL);
    }

    /** A partial line's text so far. */
    public String partialText() {
        return fields.get(PARTIAL);
    }

    /** The event name (queued, waiting, started, command, command-ended, finished, ...), or null for a line. */
    public String event() {
        return fields.get("e");
    }

    public boolean isFinished() {
        return "finished".equals(event());
    }

    /** The output line's text, without its line end. */
    public String text() {
        return fields.get("l");
    }

    /** {@value #STDOUT} or {@value #STDERR} for a line. */
    public String stream() {
        return fields.get("s");
    }

    public long timestamp() {
        String ts = fields.get("ts");
        return ts == null ? 0 : Long.parseLong(ts);
    }

    public String field(String name) {
        return fields.get(name);
    }
}
