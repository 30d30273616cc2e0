package io.deployster.jenkins.plan;

import io.deployster.job.InvalidJobException;
import io.deployster.job.Problem;
import io.deployster.workflow.WorkflowParser;
import io.deployster.workflow.WorkflowSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step's {@code workflow:} parameter: what {@link DeployPlanner} does for a job, for a workflow file
 * (docs/workflows.md). The decisions, each reported with the parameter, the value and what is allowed:
 * <ul>
 *   <li>{@code workflow} excludes the job parameters ({@code commands}, {@code cd}, {@code env},
 *       {@code playbook} and the other Ansible ones, and {@code queue}: each task names its own queue);</li>
 *   <li>queue mode only: the tasks run on workers' queues, never on the Jenkins agent;</li>
 *   <li>the step's {@code project} fills in a file without one; a file naming another project is
 *       refused. {@code ref}, {@code commit} and {@code timeout} (the workflow-wide
 *       {@code timeoutSeconds}) follow the same rule; the admin's default timeout is a job's and is
 *       not applied (each task has its own {@code timeoutSeconds});</li>
 *   <li>{@code submittedBy} is always the build, as for a job;</li>
 *   <li>no {@code secretEnv}/{@code secretExtraVars}: the worker that coordinates a workflow submits its
 *       tasks without secret values, so a secret given here would never reach a task;</li>
 *   <li>the file itself is parsed and checked by {@link WorkflowParser#parseValid(String,
 *       java.util.function.UnaryOperator)}, as the CLI and the gateway do; its problems are named
 *       {@code workflow.FIELD} (e.g. {@code workflow.tasks.deploy.needs[0]}).</li>
 * </ul>
 */
final class WorkflowPlanner {
    private static final String EXCLUSIVE = "'workflow' and '%s' exclude each other: the workflow's tasks carry their own %s; "
            + "give either 'workflow' or the job parameters";

    private WorkflowPlanner() {
    }

    /** @throws InvalidStepException listing every problem */
    static DeployRequest plan(DeployParameters p, GlobalSettings settings, String submittedBy) {
        List<Problem> problems = new ArrayList<>();
        StepMode mode = StepMode.parse(p.getMode());
        if (mode != StepMode.QUEUE) {
            problems.add(new Problem("mode", p.getMode(), "a workflow's tasks run on workers' queues: leave 'mode' out or give "
                    + "'queue' with 'workflow' (mode 'agent' runs one playbook on this Jenkins agent)"));
        }
        exclusive(problems, "commands", p.getCommands() == null ? null : String.valueOf(p.getCommands()), "commands");
        exclusive(problems, "cd", p.getCd(), "cd");
        exclusive(problems, "env", p.getEnv() == null ? null : String.join(", ", p.getEnv()), "env");
        exclusive(problems, "playbook", p.getPlaybook(), "playbook");
        exclusive(problems, "inventory", p.getInventory(), "inventory");
        exclusive(problems, "limit", p.getLimit(), "limit");
        exclusive(problems, "tags", p.getTags(), "tags");
        exclusive(problems, "extraVars", p.getExtraVars() == null || p.getExtraVars().isEmpty() ? null : "given", "extraVars");
        exclusive(problems, "check", p.isCheck() ? "true" : null, "check");
        exclusive(problems, "diff", p.isDiff() ? "true" : null, "diff");
        exclusive(problems, "verbosity", p.getVerbosity() == null || p.getVerbosity() == 0 ? null : p.getVerbosity().toString(), "verbosity");
        exclusive(problems, "cwd", p.getCwd(), "cwd");
        exclusive(problems, "queue", p.getQueue(), "queue (set it per task, or under defaults: in the file)");
        notForWorkflows(problems, "sshCredentialsId", p.getSshCredentialsId(), "is used in mode 'agent' only; workers use their own keys");
        notForWorkflows(problems, "vaultCredentialsId", p.getVaultCredentialsId(), "is used in mode 'agent' only; workers use their own keys");
        noSecrets(problems, "secretEnv", p.getSecretEnv());
        noSecrets(problems, "secretExtraVars", p.getSecretExtraVars());
        String redisUri = DeployPlanner.redisUri(p.getRedis(), settings, problems);

        String project = DeployPlanner.blankToNull(p.getProject());
        String ref = DeployPlanner.blankToNull(p.getRef());
        String commit = DeployPlanner.blankToNull(p.getCommit());
        Integer timeout = p.getTimeout();
        // which fields the step filled in: a problem with one of them is the step parameter's, not the file's
        List<String> fromStep = new ArrayList<>();
        WorkflowSpec workflow = null;
        try {
            workflow = WorkflowParser.parseValid(p.getWorkflow(), wf -> new WorkflowSpec(
                    fill(problems, fromStep, "project", "project", project, wf.project()),
                    submittedBy,
                    fill(problems, fromStep, "ref", "ref", ref, wf.ref()),
                    fill(problems, fromStep, "commit", "commit", commit, wf.commit()),
                    timeout(problems, fromStep, timeout, wf.timeoutSeconds()),
                    wf.callbackUrl(), wf.tasks()));
        } catch (InvalidJobException e) {
            for (Problem problem : e.problems()) {
                problems.add(named(problem, fromStep));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidStepException(problems);
        }
        return new DeployRequest(StepMode.QUEUE, null, redisUri, settings.queueSettings(), p.isQuiet(), null, null, null, null,
                settings.signingKeyCredentialsId(), workflow);
    }

    /** The step's value where the file has none; the file's where the step has none; a problem naming both when they differ. */
    private static String fill(List<Problem> problems, List<String> fromStep, String stepField, String fileField, String step, String file) {
        if (file == null) {
            fromStep.add(fileField);
            return step;
        }
        if (step != null && !step.equals(file)) {
            problems.add(conflict(fileField, file, stepField, step));
        }
        return file;
    }

    /** As {@link #fill}, where the step's 0 means "no limit" and so matches a file without one. */
    private static Integer timeout(List<Problem> problems, List<String> fromStep, Integer step, Integer file) {
        if (step == null) {
            return file;
        }
        if (file == null) {
            fromStep.add("timeoutSeconds");
            return step == 0 ? null : step;
        }
        if (!step.equals(file)) {
            problems.add(conflict("timeoutSeconds", file.toString(), "timeout", step.toString()));
        }
        return file;
    }

    private static Problem conflict(String fileField, String file, String stepField, String step) {
        return new Problem("workflow." + fileField, file, "the step's '" + stepField + "' is '" + step
                + "': give the same value in both, or leave it out of one of them");
    }

    // Problems of the file are named inside 'workflow'; a problem with a value the step filled in names the step's parameter.
    private static Problem named(Problem p, List<String> fromStep) {
        if (p.field().equals("workflow")) {
            return p;
        }
        if (fromStep.contains(p.field())) {
            return new Problem(p.field().equals("timeoutSeconds") ? "timeout" : p.field(), p.value(), p.allowed());
        }
        return new Problem("workflow." + p.field(), p.value(), p.allowed());
    }

    private static void exclusive(List<Problem> problems, String field, String value, String what) {
        if (DeployPlanner.blankToNull(value) != null) {
            problems.add(new Problem(field, value, String.format(EXCLUSIVE, field, what)));
        }
    }

    private static void notForWorkflows(List<Problem> problems, String field, String value, String why) {
        if (DeployPlanner.blankToNull(value) != null) {
            problems.add(new Problem(field, value, "'" + field + "' " + why));
        }
    }

    private static void noSecrets(List<Problem> problems, String field, Map<String, ?> given) {
        if (given != null && !given.isEmpty()) {
            problems.add(new Problem(field, String.join(", ", given.keySet().stream().map(String::valueOf).toList()),
                    "a workflow's tasks get no secret values (the worker that coordinates it submits them without any, "
                            + "docs/workflows.md): remove '" + field + "' from the workflow step, and deploy what needs the "
                            + "secret with its own deployster step (commands with " + field + ")"));
        }
    }
}
