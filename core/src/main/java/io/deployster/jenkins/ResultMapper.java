package io.deployster.jenkins;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.WorkflowResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Maps how a deploy ended to how the step ends: its return value, or its failure message. */
public final class ResultMapper {
    private ResultMapper() {
    }

    /**
     * @param stopRequested true when this build asked to cancel the job (it was aborted)
     */
    public static Termination fromState(JobState state, boolean stopRequested) {
        if (state.status() == JobStatus.SUCCEEDED) {
            return Termination.success(resultMap(state.id(), state.project(), state.status(), state.exitCode(),
                    state.worker(), state.durationMillis()));
        }
        if (state.status() == JobStatus.CANCELLED && stopRequested) {
            return Termination.aborted("deployster job " + state.id() + " was cancelled because the build was aborted");
        }
        return Termination.failure(failureMessage(state));
    }

    /**
     * A workflow's end: its result map ({@link #workflowMap}) on success; on failure the workflow's own
     * reason, which names the task that failed and the tasks skipped (docs/workflows.md, "Failure").
     *
     * @param result the workflow's state and tasks; null when they are gone from Redis (then as a job)
     * @param stopRequested true when this build asked to cancel the workflow (it was aborted)
     */
    public static Termination fromWorkflow(JobState state, WorkflowResult result, boolean stopRequested) {
        if (result == null) {
            return fromState(state, stopRequested);
        }
        if (state.status() == JobStatus.SUCCEEDED) {
            return Termination.success(workflowMap(state, result.tasks()));
        }
        if (state.status() == JobStatus.CANCELLED && stopRequested) {
            return Termination.aborted("deployster workflow " + state.id() + " was cancelled because the build was aborted");
        }
        StringBuilder s = new StringBuilder("deployster workflow ").append(state.id());
        if (state.project() != null) {
            s.append(" (project ").append(state.project()).append(')');
        }
        s.append(' ').append(describe(state.status()));
        if (state.reason() != null) {
            s.append(": ").append(state.reason());
        }
        return Termination.failure(s.toString());
    }

    /**
     * The map the step returns for a workflow, shaped as a job's where they share a meaning: jobId (the
     * workflow's id), project, status, durationMillis, and {@code tasks}: task name → a map of status,
     * exitCode, queue (as submitted, after output references were filled in), jobId (the task's job, null
     * when never submitted), outputs (key → value, as written to {@code $DEPLOYSTER_OUTPUT}), reason and
     * durationMillis, in the file's order. Times are milliseconds; absent values are null.
     */
    public static Map<String, Object> workflowMap(JobState state, Map<String, TaskResult> tasks) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("jobId", state.id());
        result.put("project", state.project());
        result.put("status", state.status().wireName());
        result.put("durationMillis", state.durationMillis());
        Map<String, Object> byName = new LinkedHashMap<>();
        tasks.forEach((name, t) -> {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("status", t.status());
            task.put("exitCode", t.exitCode());
            task.put("queue", t.queue());
            task.put("jobId", t.job());
            task.put("outputs", new LinkedHashMap<>(new TreeMap<>(t.outputs())));
            task.put("reason", t.reason());
            task.put("durationMillis", t.startedAt() == null || t.endedAt() == null ? null : t.endedAt() - t.startedAt());
            byName.put(name, task);
        });
        result.put("tasks", byName);
        return result;
    }

    /** The step's failure message: which job, how it ended, where, and why (with the failing command). */
    public static String failureMessage(JobState state) {
        StringBuilder s = new StringBuilder("deployster job ").append(state.id());
        if (state.project() != null) {
            s.append(" (project ").append(state.project()).append(')');
        }
        s.append(' ').append(describe(state.status()));
        if (state.worker() != null) {
            s.append(" on worker ").append(state.worker());
        }
        if (state.reason() != null) {
            s.append(": ").append(state.reason());
        } else if (state.exitCode() != null) {
            s.append(": exit code ").append(state.exitCode());
            if (state.failedCommand() != null) {
                s.append(" from command ").append(state.failedCommand() + 1);
            }
        }
        return s.toString();
    }

    /** The map the step returns: jobId, project, status, exitCode, worker, durationMillis. */
    public static Map<String, Object> resultMap(String jobId, String project, JobStatus status, Integer exitCode,
                                                String worker, Long durationMillis) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("jobId", jobId);
        result.put("project", project);
        result.put("status", status.wireName());
        result.put("exitCode", exitCode);
        result.put("worker", worker);
        result.put("durationMillis", durationMillis);
        return result;
    }

    private static String describe(JobStatus status) {
        return switch (status) {
            case FAILED -> "failed";
            case CANCELLED -> "was cancelled";
            case TIMED_OUT -> "timed out";
            case LOST -> "was lost";
            case REJECTED -> "was rejected";
            case SUCCEEDED -> "succeeded";
            default -> "ended in state " + status.wireName();
        };
    }
}
