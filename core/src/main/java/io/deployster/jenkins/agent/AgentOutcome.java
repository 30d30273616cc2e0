package io.deployster.jenkins.agent;

import io.deployster.jenkins.ResultMapper;
import io.deployster.jenkins.Termination;
import io.deployster.job.JobStatus;

/** Agent mode: where ansible-playbook ran, as the console and the result name it, and how its exit ends the step. */
public final class AgentOutcome {
    /** What Jenkins sets NODE_NAME to on the controller's own node. */
    static final String BUILT_IN = "built-in";

    private AgentOutcome() {
    }

    /**
     * @param nodeName the build's {@code NODE_NAME}: an agent's name, {@code built-in}, or null/blank when unknown
     * @return {@code agent NAME}, or {@code the built-in node}
     */
    public static String where(String nodeName) {
        return nodeName == null || nodeName.isBlank() || BUILT_IN.equals(nodeName.strip()) ? "the built-in node" : "agent " + nodeName.strip();
    }

    /**
     * ansible-playbook's exit as the same kind of end as a queued job's: exit code 0 succeeds with the
     * result map (its {@code worker} says {@link #where}, its {@code jobId} is null); any other code
     * fails, as a timeout when the step's timeout had passed.
     *
     * @param durationMillis how long the process ran
     * @param timeoutSeconds the step's timeout, or null
     * @param nodeName the build's {@code NODE_NAME} ({@link #where})
     */
    public static Termination fromExit(int exitCode, long durationMillis, Integer timeoutSeconds, String nodeName,
                                       String project, String playbook) {
        String where = where(nodeName);
        if (exitCode == 0) {
            return Termination.success(ResultMapper.resultMap(null, project, JobStatus.SUCCEEDED, 0, where, durationMillis));
        }
        if (timeoutSeconds != null && durationMillis >= timeoutSeconds * 1000L) {
            return Termination.failure("deployster (mode 'agent', project " + project + ") timed out on " + where
                    + ": ansible-playbook was stopped after " + timeoutSeconds + " s (" + playbook + ")");
        }
        return Termination.failure("deployster (mode 'agent', project " + project + ") failed on " + where
                + ": ansible-playbook exited with " + exitCode + " (" + playbook + ")");
    }
}
