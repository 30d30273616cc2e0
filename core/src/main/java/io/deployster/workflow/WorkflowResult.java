package io.deployster.workflow;

import io.deployster.job.JobState;
import java.util.Map;

/**
 * A workflow's state and each task's result, in the order the tasks were written.
 *
 * @param state the workflow's own state (status, reason, times), as a job's
 */
public record WorkflowResult(JobState state, Map<String, TaskResult> tasks) {
}
