package io.deployster.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workflow as it crosses the wire (JSON in the workflow's hash, field {@code spec}): a project, named
 * tasks in the order written, and limits. Defaults of the file are already applied to every task.
 *
 * @param timeoutSeconds workflow-wide limit, counted from the moment it holds the project lock
 * @param callbackUrl receives the collected results as signed JSON when the workflow ends (null: none)
 */
public record WorkflowSpec(
        String project,
        String submittedBy,
        String ref,
        String commit,
        Integer timeoutSeconds,
        String callbackUrl,
        Map<String, TaskSpec> tasks) {

    public WorkflowSpec {
        tasks = tasks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /** The same workflow with {@code submittedBy} set (the CLI and the Jenkins step fill it in). */
    public WorkflowSpec withSubmittedBy(String by) {
        return new WorkflowSpec(project, by, ref, commit, timeoutSeconds, callbackUrl, tasks);
    }
}
