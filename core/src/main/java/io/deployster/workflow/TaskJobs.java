package io.deployster.workflow;

import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns a task into the ordinary job a worker runs: the workflow's project, ref and commit, the task's
 * fields with every output reference filled in, and {@code workflow}/{@code workflowTask} set so the job
 * runs under the workflow's project lock. A container task becomes a commands job running the engine's CLI.
 */
public final class TaskJobs {
    /** Job id of a workflow's task: derived, so a second driver submitting it again gets DUPLICATE, not a second job. */
    public static String jobId(String workflowId, String task) {
        return JobIds.taskJobId(workflowId, task);
    }

    /** Mode of a task: as given, or what its fields imply (image: container, playbook: ansible, else commands). */
    public static String mode(TaskSpec task) {
        if (task.mode() != null) {
            return task.mode();
        }
        if (task.image() != null) {
            return TaskSpec.CONTAINER;
        }
        return task.playbook() != null ? TaskSpec.ANSIBLE : TaskSpec.COMMANDS;
    }

    /**
     * @param outputs value of output KEY of task NAME; throws IllegalArgumentException naming it when it is not set
     * @throws IllegalArgumentException when a filled-in field is not usable, e.g. a queue that is empty once filled in
     */
    public static JobSpec job(String workflowId, WorkflowSpec wf, String name, TaskSpec task, BiFunction<String, String, String> outputs) {
        String queue = Placeholders.replace(task.queue(), outputs);
        if (task.queue() != null && queue.isBlank() && !task.queue().isBlank()) { // a literal empty queue is the validator's to name
            // an empty queue would mean the project's default queue: the task would run somewhere nobody chose
            throw new IllegalArgumentException("tasks." + name + ".queue is '" + queue + "' once '" + task.queue()
                    + "' is filled in; a queue name must not be empty (set the output to a queue name)");
        }
        JobSpec.Builder b = new JobSpec.Builder().project(wf.project()).ref(wf.ref()).commit(wf.commit())
                .submittedBy(wf.submittedBy()).workflow(workflowId).workflowTask(name)
                .queue(queue).timeoutSeconds(task.timeoutSeconds());
        String mode = mode(task);
        switch (mode) {
            case TaskSpec.ANSIBLE -> b.mode(Mode.ANSIBLE).playbook(task.playbook()).inventory(task.inventory()).limit(task.limit())
                    .tags(task.tags()).extraVars(replaceValues(task.extraVars(), outputs)).check(task.check()).diff(task.diff())
                    .verbosity(task.verbosity()).cwd(task.cwd());
            case TaskSpec.CONTAINER -> b.mode(Mode.COMMANDS).cd(task.cd() == null ? "/" : Placeholders.replace(task.cd(), outputs))
                    .env(replaceText(task.env(), outputs))
                    .commands(List.of(ContainerCommand.shell(task.engine(), containerName(workflowId, name), task.image(),
                            task.args() == null ? List.of() : task.args().stream().map(a -> Placeholders.replace(a, outputs)).toList())));
            default -> b.mode(mode).cd(Placeholders.replace(task.cd(), outputs)).env(replaceText(task.env(), outputs))
                    .commands(task.commands() == null ? null : task.commands().stream().map(c -> Placeholders.replace(c, shellSafe(name, outputs)))
                            .toList());
        }
        return b.build();
    }

    /**
     * Outputs as pasted into commands: the shell parses them, so a value holding anything but
     * {@link Placeholders#SHELL_SAFE} characters ({@code server=1; touch pwned}) is refused instead of run.
     */
    private static BiFunction<String, String, String> shellSafe(String name, BiFunction<String, String, String> outputs) {
        return (t, k) -> {
            String v = outputs.apply(t, k);
            if (!Placeholders.SHELL_SAFE.matcher(v).matches()) {
                throw new IllegalArgumentException("output '" + k + "' of task " + t + " is '" + (v.length() > 80 ? v.substring(0, 77) + "..." : v)
                        + "', which holds characters a shell would interpret; a value pasted into " + name + ".commands may hold only "
                        + Placeholders.SHELL_SAFE_RULE + " (pass other values through env and use \"$NAME\" in the command)");
            }
            return v;
        };
    }

    /** The container's name: unique per task of a workflow, so cancel can stop exactly it. */
    public static String containerName(String workflowId, String task) {
        return "deployster-" + workflowId + "-" + task;
    }

    private static Map<String, String> replaceText(Map<String, String> map, BiFunction<String, String, String> outputs) {
        if (map == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, Placeholders.replace(v, outputs)));
        return out;
    }

    private static Map<String, Object> replaceValues(Map<String, Object> map, BiFunction<String, String, String> outputs) {
        if (map == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, replaceValue(v, outputs)));
        return out;
    }

    private static Object replaceValue(Object value, BiFunction<String, String, String> outputs) {
        if (value instanceof String s) {
            return Placeholders.replace(s, outputs);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(replaceValue(v, outputs)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), replaceValue(v, outputs)));
            return out;
        }
        return value;
    }

    private TaskJobs() {
    }
}
