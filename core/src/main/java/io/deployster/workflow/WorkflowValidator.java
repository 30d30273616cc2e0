package io.deployster.workflow;

import io.deployster.job.CallbackUrls;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a workflow may be submitted: a valid project, 1 to {@value #MAX_TASKS} named tasks,
 * needs naming other tasks without a cycle, output references only to tasks the referring task
 * (transitively) needs, and each task a valid job once its references are filled in. Every error names
 * the field, the value and what is allowed.
 */
public final class WorkflowValidator {
    public static final int MAX_TASKS = 100;
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern ENGINE = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    /** A container image reference: registry/name:tag or name@digest. */
    public static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final int MAX_TIMEOUT = 7 * 24 * 3600;
    /** A stand-in for references while checking a task's job: valid in a queue name, a path and a command. */
    private static final String SAMPLE = "x";
    /** A workflow id of the longest form, so a task's job id is checked at its real length. */
    private static final String SAMPLE_ID = "20240101-000000-abcdefgh";

    private final JobSpecValidator jobs;

    public WorkflowValidator(JobSpecValidator jobs) {
        this.jobs = jobs;
    }

    /** @throws InvalidJobException listing every problem found */
    public void validate(WorkflowSpec wf) {
        List<Problem> problems = new ArrayList<>();
        if (wf.project() == null || !PROJECT.matcher(wf.project()).matches()) {
            problems.add(new Problem("project", wf.project(), "use 1 to 100 characters from A-Z a-z 0-9 . _ -"));
        }
        timeout(problems, "timeoutSeconds", wf.timeoutSeconds());
        CallbackUrls.check(problems, "callbackUrl", wf.callbackUrl());
        Map<String, TaskSpec> tasks = wf.tasks();
        if (tasks.isEmpty() || tasks.size() > MAX_TASKS) {
            problems.add(new Problem("tasks", tasks.size() + " tasks", "give 1 to " + MAX_TASKS + " named tasks"));
        }
        for (Map.Entry<String, TaskSpec> e : tasks.entrySet()) {
            task(problems, wf, e.getKey(), e.getValue());
        }
        cycle(problems, tasks);
        if (!problems.isEmpty()) {
            throw new InvalidJobException("workflow", problems);
        }
    }

    private void task(List<Problem> problems, WorkflowSpec wf, String name, TaskSpec task) {
        String at = "tasks." + name;
        if (!TASK_NAME.matcher(name).matches()) {
            problems.add(new Problem(at, name, "task names are 1 to 40 characters from A-Z a-z 0-9 _ -"));
            return;
        }
        String mode = TaskJobs.mode(task);
        if (!List.of(TaskSpec.COMMANDS, TaskSpec.ANSIBLE, TaskSpec.CONTAINER).contains(mode)) {
            problems.add(new Problem(at + ".mode", mode, "use 'commands', 'ansible' or 'container'"));
            return;
        }
        timeout(problems, at + ".timeoutSeconds", task.timeoutSeconds());
        if (task.queue() != null && task.queue().isBlank()) {
            problems.add(new Problem(at + ".queue", task.queue(), "name the queue whose workers run this task, or leave 'queue' out "
                    + "for the default (the project's queue on the gateway, else '" + JobSpec.DEFAULT_QUEUE + "')"));
        }
        for (int i = 0; i < task.needs().size(); i++) {
            String need = task.needs().get(i);
            List<String> others = wf.tasks().keySet().stream().filter(n -> !n.equals(name)).toList();
            if (need.equals(name) || !wf.tasks().containsKey(need)) {
                problems.add(new Problem(at + ".needs[" + i + "]", need, others.isEmpty()
                        ? "a task cannot need itself, and this workflow has no other task: remove '" + need + "' from needs"
                        : "name another task of this workflow: one of " + others));
            } else if (task.needs().indexOf(need) < i) {
                problems.add(new Problem(at + ".needs[" + i + "]", need, "name each task once: '" + need + "' is already needs["
                        + task.needs().indexOf(need) + "]"));
            }
        }
        Set<String> ancestors = ancestors(wf.tasks(), name);
        for (Map.Entry<String, String> field : texts(task).entrySet()) {
            String where = at + "." + field.getKey();
            String bad = Placeholders.malformed(field.getValue());
            if (bad != null) {
                problems.add(new Problem(where, bad, "write an output reference as ${tasks.NAME.outputs.KEY}: NAME a task it needs, "
                        + "KEY 1 to 100 of A-Z a-z 0-9 _ . -, closed by }"));
            }
            for (String ref : Placeholders.references(field.getValue())) {
                String t = Placeholders.tasks(ref).iterator().next();
                if (t.equals(name)) {
                    problems.add(new Problem(where, ref, "a task cannot use its own outputs: they exist only once it has ended; "
                            + "pass the value within the task itself (a variable or a file)"));
                } else if (!ancestors.contains(t)) {
                    problems.add(new Problem(where, ref, "a task may use the outputs only of tasks it needs "
                            + "(directly or through other needs); add '" + t + "' to " + at + ".needs"));
                }
            }
        }
        if (mode.equals(TaskSpec.CONTAINER)) {
            if (task.image() == null || !IMAGE.matcher(task.image()).matches()) {
                problems.add(new Problem(at + ".image", task.image(), "give the image to run, e.g. registry/name:tag"));
            }
            if (task.engine() != null && !ENGINE.matcher(task.engine()).matches()) {
                problems.add(new Problem(at + ".engine", task.engine(), "give the container CLI to run, e.g. docker or podman"));
            }
            forbid(problems, at, "commands", task.commands());
            forbid(problems, at, "playbook", task.playbook());
        } else {
            forbid(problems, at, "image", task.image());
            forbid(problems, at, "args", task.args());
            forbid(problems, at, "engine", task.engine());
        }
        if (!mode.equals(TaskSpec.CONTAINER) || (task.image() != null && IMAGE.matcher(task.image()).matches())) {
            try {
                jobs.validate(TaskJobs.job(SAMPLE_ID, wf, name, task, (t, k) -> SAMPLE));
            } catch (InvalidJobException e) {
                for (Problem p : e.problems()) {
                    // the job was checked with references filled in by a stand-in: quote what the user wrote
                    String written = p.field().equals("cd") ? task.cd() : p.field().equals("queue") ? task.queue() : null;
                    boolean templated = written != null && !Placeholders.references(written).isEmpty();
                    if (p.field().equals("cd") && templated && written.startsWith("${") && p.allowed().startsWith("use an absolute path")) {
                        // a cd that starts with an output is checked when the task is submitted, once the output is known
                        continue;
                    }
                    if (!p.field().equals("project")) {
                        problems.add(new Problem(at + "." + p.field(), templated ? written : p.value(), p.allowed()));
                    }
                }
            }
        }
    }

    private static void forbid(List<Problem> problems, String at, String field, Object value) {
        if (value != null) {
            problems.add(new Problem(at + "." + field, String.valueOf(value), "'" + field + "' is not used by this kind of task; remove it"));
        }
    }

    /** Every text of a task that may hold output references, by field ({@code commands[0]}, {@code env.HOST}, ...). */
    private static Map<String, String> texts(TaskSpec t) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("queue", t.queue());
        out.put("cd", t.cd());
        if (t.commands() != null) {
            for (int i = 0; i < t.commands().size(); i++) {
                out.put("commands[" + i + "]", t.commands().get(i));
            }
        }
        if (t.args() != null) {
            for (int i = 0; i < t.args().size(); i++) {
                out.put("args[" + i + "]", t.args().get(i));
            }
        }
        if (t.env() != null) {
            t.env().forEach((k, v) -> out.put("env." + k, v));
        }
        if (t.extraVars() != null) {
            out.put("extraVars", JobCodec.toJson(t.extraVars()));
        }
        out.values().removeIf(Objects::isNull);
        return out;
    }

    private static Set<String> ancestors(Map<String, TaskSpec> tasks, String name) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(tasks.get(name).needs());
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next) && tasks.containsKey(next)) {
                todo.addAll(tasks.get(next).needs());
            }
        }
        return seen;
    }

    private static void cycle(List<Problem> problems, Map<String, TaskSpec> tasks) {
        for (String name : tasks.keySet()) {
            if (ancestors(tasks, name).contains(name)) {
                problems.add(new Problem("tasks." + name + ".needs", String.valueOf(tasks.get(name).needs()),
                        "needs must not form a cycle: '" + name + "' ends up needing itself"));
                return;
            }
        }
    }

    private static void timeout(List<Problem> problems, String field, Integer value) {
        if (value != null && (value < 1 || value > MAX_TIMEOUT)) {
            problems.add(new Problem(field, value.toString(), "use 1 to " + MAX_TIMEOUT + " seconds, or leave it out for no limit"));
        }
    }
}
