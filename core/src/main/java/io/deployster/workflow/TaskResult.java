package io.deployster.workflow;

import io.deployster.job.JobStatus;
import java.util.Map;

/**
 * One task's state in its workflow, as recorded on the workflow's hash (field {@code task:NAME}, JSON).
 *
 * @param status {@code pending} (needs not met yet), {@code skipped}, or its job's status ({@code queued},
 *     {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}, {@code timed_out}, {@code lost}, {@code rejected})
 * @param job id of the task's job, null until submitted
 * @param queue the queue it was submitted to (after output references were filled in)
 * @param exitCode exit code of its last process, null when none ran
 * @param outputs the {@code key=value} outputs it wrote to {@code $DEPLOYSTER_OUTPUT}
 * @param startedAt epoch milliseconds, null when it never started
 * @param endedAt epoch milliseconds, null while not ended
 * @param resultSig its job's signed result (JobField RESULT_SIG) once it succeeded; the coordinator checks it before using the outputs
 */
public record TaskResult(String status, String job, String queue, Integer exitCode, String reason, Map<String, String> outputs,
                         Long startedAt, Long endedAt, String resultSig) {
    public static final String PENDING = "pending";
    public static final String SKIPPED = "skipped";

    public TaskResult {
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }

    public static TaskResult pending() {
        return new TaskResult(PENDING, null, null, null, null, null, null, null, null);
    }

    public static TaskResult skipped(String reason, long now) {
        return new TaskResult(SKIPPED, null, null, null, reason, null, null, now, null);
    }

    /** True once the task will not change any more. */
    public boolean ended() {
        return !(PENDING.equals(status) || JobStatus.QUEUED.wireName().equals(status) || JobStatus.WAITING.wireName().equals(status)
                || JobStatus.RUNNING.wireName().equals(status));
    }

    public boolean succeeded() {
        return "succeeded".equals(status);
    }
}
