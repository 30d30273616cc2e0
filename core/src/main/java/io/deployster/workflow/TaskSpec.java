package io.deployster.workflow;

import com.google.gson.annotations.JsonAdapter;
import io.deployster.job.ExtraVarsAdapter;
import java.util.List;
import java.util.Map;

/**
 * One task of a workflow, with the workflow's defaults already applied. Crosses the wire as JSON inside
 * the workflow's spec. A task is a commands, ansible or container task ({@code mode}); the job fields
 * mean what they mean in a job spec (docs/protocol.md), and may use {@code ${tasks.NAME.outputs.KEY}}
 * in {@code queue}, {@code cd}, {@code commands}, {@code env} and {@code extraVars}.
 *
 * @param needs names of the tasks that must have ended (succeeded, or failed with continueOnError) first
 * @param timeoutSeconds the task's own limit, counted from its start on a worker
 * @param continueOnError when true, the task's failure neither skips its dependents nor fails the workflow
 * @param image container tasks: the image to run once (removed afterwards)
 * @param args container tasks: the arguments after the image
 * @param engine container tasks: the container CLI, {@code docker} unless given (e.g. {@code podman})
 */
public record TaskSpec(
        String mode,
        String queue,
        List<String> needs,
        Integer timeoutSeconds,
        Boolean continueOnError,
        String cd,
        List<String> commands,
        Map<String, String> env,
        String playbook,
        String inventory,
        String limit,
        String tags,
        @JsonAdapter(ExtraVarsAdapter.class) Map<String, Object> extraVars,
        Boolean check,
        Boolean diff,
        Integer verbosity,
        String cwd,
        String image,
        List<String> args,
        String engine) {

    public static final String COMMANDS = "commands";
    public static final String ANSIBLE = "ansible";
    public static final String CONTAINER = "container";

    public TaskSpec {
        needs = needs == null ? List.of() : List.copyOf(needs);
    }

    /** The same task on {@code q}. */
    public TaskSpec withQueue(String q) {
        return new TaskSpec(mode, q, needs, timeoutSeconds, continueOnError, cd, commands, env, playbook, inventory, limit, tags, extraVars,
                check, diff, verbosity, cwd, image, args, engine);
    }

    public boolean continues() {
        return Boolean.TRUE.equals(continueOnError);
    }
}
