package io.deployster.run;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process started in a session of its own, so that its pid is also its session and process
 * group id: signalling the group reaches its children and pipelines. Started with posix_spawn(3) where
 * glibc allows it ({@link PosixSpawn}: one exec), else through the JDK and setsid(1) (two execs).
 */
public final class ProcessGroup {
    /** Null where libc lacks what posix_spawn needs here. */
    private static final PosixSpawn SPAWN = PosixSpawn.load();

    /**
     * setsid(1) found once on PATH: named bare, it would be looked up again in every PATH directory at
     * each start, one failed exec per directory before it (about 8 per job on a usual PATH).
     */
    private static final String SETSID = onPath("setsid");

    private final Process process;

    private ProcessGroup(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code argv} in {@code dir} with stdin from /dev/null, stdout and stderr on pipes, and
     * this process's environment less the worker's own settings ({@link InheritedEnvironment}) plus
     * {@code extraEnv}.
     *
     * @throws IOException naming the program and the reason when it cannot be started
     */
    public static ProcessGroup start(List<String> argv, File dir, Map<String, String> extraEnv) throws IOException {
        return SPAWN == null ? startThroughJdk(argv, dir, extraEnv) : new ProcessGroup(SPAWN.start(argv, dir, extraEnv));
    }

    /**
     * The same as {@link #start} through the JDK: setsid(1) execs the program directly (a child of the
     * JVM is never a group leader), so the process's pid is also its session and group id. The fallback,
     * and the benchmark's comparison.
     */
    public static ProcessGroup startThroughJdk(List<String> argv, File dir, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>(argv.size() + 1);
        command.add(SETSID);
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(InheritedEnvironment::withheld);
        pb.environment().putAll(extraEnv);
        return new ProcessGroup(pb.start());
    }

    public Process process() {
        return process;
    }

    // The first executable PATH entry named name, or name itself when none (the start then fails naming it).
    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File candidate = new File(dir.isEmpty() ? "." : dir, name);
                if (!dir.isEmpty() && candidate.isFile() && candidate.canExecute()) {
                    return candidate.getAbsolutePath();
                }
            }
        }
        return name;
    }
}
