package io.deployster.run;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process started in a session of its own, so that its pid is also its session and process
 * group id: signalling the group reaches its children and pipelines.
 */
public final class ProcessGroup {
    private final Process process;

    private ProcessGroup(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code argv} in {@code dir}. setsid(1) execs the program directly (a child of the JVM
     * is never a group leader), so the process's pid is also its session and group id.
     */
    public static ProcessGroup start(List<String> argv, File dir, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>(argv.size() + 1);
        command.add("setsid");
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(extraEnv);
        return new ProcessGroup(pb.start());
    }

    public Process process() {
        return process;
    }
}
