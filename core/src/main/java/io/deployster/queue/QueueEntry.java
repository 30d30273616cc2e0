package io.deployster.queue;

import io.deployster.protocol.EntryField;
import java.util.Map;

/**
 * One entry a worker took from a queue stream (docs/protocol.md, "Queue entries").
 *
 * @param queue the queue's name (not its key)
 * @param entryId the stream entry id, {@code <ms>-<seq>}
 * @param fields the entry's fields: job, spec, kid, iat, sig
 */
public record QueueEntry(String queue, String entryId, Map<String, String> fields) {
    public QueueEntry {
        fields = Map.copyOf(fields);
    }

    public String jobId() {
        return fields.get(EntryField.JOB);
    }

    public String specJson() {
        return fields.get(EntryField.SPEC);
    }

    /** The entry as text for the record of a job that could not run, at most 4 KiB. */
    public String raw() {
        String text = fields.toString();
        return text.length() <= 4096 ? text : text.substring(0, 4096) + "...";
    }
}
