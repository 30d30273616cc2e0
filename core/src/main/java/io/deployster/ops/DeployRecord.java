package io.deployster.ops;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.job.JobStatus;
import java.time.Instant;

/**
 * One ended deploy as the project's history keeps it (written by common.lua's {@code add_history}).
 *
 * @param startedAt null when the job never started (cancelled while queued, rejected)
 * @param durationMillis from start to end; null when the job never started
 */
public record DeployRecord(String id, String project, String queue, String ref, String commit, String submittedBy,
                           String worker, JobStatus status, Instant submittedAt, Instant startedAt, Instant endedAt,
                           String reason, Long durationMillis) {

    /** Milliseconds from start to end, or null when the job never started. */
    static Long duration(Instant startedAt, Instant endedAt) {
        return startedAt == null || endedAt == null ? null : endedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    static DeployRecord fromJson(String project, String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        Instant started = instant(o, "startedAt");
        Instant ended = instant(o, "endedAt");
        return new DeployRecord(text(o, "id"), project, text(o, "queue"), text(o, "ref"), text(o, "commit"), text(o, "submittedBy"),
                text(o, "worker"), JobStatus.fromWireName(text(o, "status")), instant(o, "submittedAt"), started,
                ended, text(o, "reason"), duration(started, ended));
    }

    private static String text(JsonObject o, String field) {
        if (!o.has(field) || o.get(field).isJsonNull()) {
            return null;
        }
        String value = o.get(field).getAsString();
        return value.isEmpty() ? null : value;
    }

    private static Instant instant(JsonObject o, String field) {
        String millis = text(o, field);
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }
}
