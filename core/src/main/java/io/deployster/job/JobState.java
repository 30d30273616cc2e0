package io.deployster.job;

import io.deployster.protocol.JobField;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job as recorded in its Redis hash: where it is in its life and, once ended, its result.
 *
 * @param fencingToken number of the project lock grant the job ran under (docs/design.md), null before it got the lock
 */
public record JobState(
        String id,
        JobStatus status,
        String project,
        String queue,
        String submittedBy,
        Instant submittedAt,
        String worker,
        Instant startedAt,
        Instant endedAt,
        Integer exitCode,
        Integer failedCommand,
        String reason,
        String waitingBehind,
        Long fencingToken,
        Map<String, String> outputs) {

    public JobState {
        outputs = outputs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    public static JobState fromHash(String id, Map<String, String> hash) {
        return new JobState(id,
                JobStatus.fromWireName(hash.get(JobField.STATUS)),
                hash.get(JobField.PROJECT),
                hash.get(JobField.QUEUE),
                hash.get(JobField.SUBMITTED_BY),
                instant(hash.get(JobField.SUBMITTED_AT)),
                hash.get(JobField.WORKER),
                instant(hash.get(JobField.STARTED_AT)),
                instant(hash.get(JobField.ENDED_AT)),
                integer(hash.get(JobField.EXIT_CODE)),
                integer(hash.get(JobField.FAILED_COMMAND)),
                emptyToNull(hash.get(JobField.REASON)),
                hash.get(JobField.WAITING_BEHIND),
                hash.get(JobField.FENCING_TOKEN) == null ? null : Long.valueOf(hash.get(JobField.FENCING_TOKEN)),
                outputs(hash.get(JobField.OUTPUTS)));
    }

    /**
     * The outputs recorded on a job's hash (field {@code outputs}, a JSON object of strings, docs/workflows.md).
     *
     * @return key to value in the order written; empty when none
     */
    @SuppressWarnings("unchecked")
    public static Map<String, String> outputs(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<String, Object>) JobCodec.parseValue(json)).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** Milliseconds from start to end, or null while the job has not both started and ended. */
    public Long durationMillis() {
        return startedAt == null || endedAt == null ? null : endedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    private static Instant instant(String millis) {
        return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private static Integer integer(String value) {
        return value == null || value.isEmpty() ? null : Integer.valueOf(value);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
