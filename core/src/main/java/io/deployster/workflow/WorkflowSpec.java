package io.deployster.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow as it crosses the wire (JSON in the workflow's hash, field {@code spec}): a project, named
 * tasks in the order written, and limits. Defaults of the file are already applied to every task.
 *
 * @param timeoutSeconds workflow-wide limit, counted from the moment it holds the project lock
 * @param callbackUrl receives the collected results as signed JSON when the workflow ends (null: none)
 * @param taskList set only by the gateway's task-list route ({@code POST /submit}): its callback then has
 *     that route's shape (docs/http-api.md); null for every other workflow, and never read from a file
 */
public record WorkflowSpec(
        String project,
        String submittedBy,
        String ref,
        String commit,
        Integer timeoutSeconds,
        String callbackUrl,
        Map<String, TaskSpec> tasks,
        TaskList taskList) {

    public WorkflowSpec {
        tasks = tasks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /** A workflow of a file or a producer: no task-list origin. */
    public WorkflowSpec(String project, String submittedBy, String ref, String commit, Integer timeoutSeconds, String callbackUrl,
                        Map<String, TaskSpec> tasks) {
        this(project, submittedBy, ref, commit, timeoutSeconds, callbackUrl, tasks, null);
    }

    /**
     * What the task-list route was asked for, kept to answer in its own shape.
     *
     * @param image the {@code image_name} given
     * @param args each task's {@code task_args}, by task name, in the order given
     */
    public record TaskList(String image, Map<String, List<String>> args) {
        public TaskList {
            args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
        }
    }

    /** The same workflow with {@code submittedBy} set (the CLI and the Jenkins step fill it in). */
    public WorkflowSpec withSubmittedBy(String by) {
        return new WorkflowSpec(project, by, ref, commit, timeoutSeconds, callbackUrl, tasks, taskList);
    }

    /**
     * The same workflow with {@code queue} for every task that names none (the gateway fills in the
     * project's configured queue, as it does for jobs); tasks naming a queue, even an empty one, keep it.
     */
    public WorkflowSpec withDefaultQueue(String queue) {
        Map<String, TaskSpec> filled = new LinkedHashMap<>();
        tasks.forEach((name, t) -> filled.put(name, t.queue() == null ? t.withQueue(queue) : t));
        return new WorkflowSpec(project, submittedBy, ref, commit, timeoutSeconds, callbackUrl, filled, taskList);
    }

    /** The same workflow for {@code p} (the gateway fills in the token's project). */
    public WorkflowSpec withProject(String p) {
        return new WorkflowSpec(p, submittedBy, ref, commit, timeoutSeconds, callbackUrl, tasks, taskList);
    }
}
