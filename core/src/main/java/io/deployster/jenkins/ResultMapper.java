package io.deployster.jenkins;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;

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
