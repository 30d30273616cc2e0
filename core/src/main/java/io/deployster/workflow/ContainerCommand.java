package io.deployster.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * A container task as the shell command a worker runs: {@code ENGINE run --rm --name NAME IMAGE ARGS},
 * once, through the engine's CLI ({@code docker} unless the task names another, e.g. {@code podman}).
 * The command says clearly when the engine is not installed or cannot run containers, and stops the container when the job is
 * cancelled or times out (the worker's TERM reaches the shell, which runs {@code ENGINE stop NAME}).
 */
public final class ContainerCommand {
    public static final String DEFAULT_ENGINE = "docker";
    /** Exit code when the engine's CLI is not found on the worker, as a shell's "command not found". */
    public static final int NO_ENGINE = 127;
    /** Exit code of {@code docker run} / {@code podman run} when the engine itself failed: no daemon reachable, no permission. */
    public static final int ENGINE_FAILED = 125;

    private ContainerCommand() {
    }

    /** The engine's argv: {@code ENGINE run --rm --name NAME IMAGE ARGS...}. */
    public static List<String> argv(String engine, String containerName, String image, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(engine(engine), "run", "--rm", "--name", containerName, image));
        if (args != null) {
            argv.addAll(args);
        }
        return argv;
    }

    /** The one shell command (for {@code /bin/sh -c}) that runs {@link #argv} and stops the container on TERM. */
    public static String shell(String engine, String containerName, String image, List<String> args) {
        String e = quote(engine(engine));
        String run = String.join(" ", argv(engine, containerName, image, args).stream().map(ContainerCommand::quote).toList());
        return "command -v " + e + " >/dev/null 2>&1 || { echo \"deployster: container engine '" + engine(engine).replace("'", "")
                + "' is not installed on this worker (not found on PATH); install it or set the task's engine\" >&2; exit "
                + NO_ENGINE + "; }\n"
                + run + " & pid=$!\n"
                + "trap '" + e.replace("'", "'\\''") + " stop " + containerName + " >/dev/null 2>&1' TERM INT\n"
                + "wait $pid; rc=$?\n"
                // a trapped TERM interrupts wait: wait again for the engine's own exit status
                + "while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done\n"
                // docker and podman exit 125 when the engine itself failed (no daemon, no permission), not the container
                + "if [ $rc -eq " + ENGINE_FAILED + " ]; then echo \"deployster: container engine '" + engine(engine).replace("'", "")
                + "' could not run the container (exit " + ENGINE_FAILED + ", its own message is above); check that its daemon or "
                + "service is running and reachable by this worker's user\" >&2; fi\n"
                + "exit $rc";
    }

    static String engine(String engine) {
        return engine == null || engine.isEmpty() ? DEFAULT_ENGINE : engine;
    }

    /** POSIX single-quoting: the shell passes the text through as one word, unchanged. */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
