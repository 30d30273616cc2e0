package io.deployster.job;

import io.deployster.protocol.JobField;
import java.time.Instant;
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
        Long fencingToken) {

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
                hash.get(JobField.FENCING_TOKEN) == null ? null : Long.valueOf(hash.get(JobField.FENCING_TOKEN)));
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
