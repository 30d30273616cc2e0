package io.deployster.run;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process started in a session of its own, so that signalling its process group reaches
 * everything it started, including children that double-forked and were re-parented to init.
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

    public long pid() {
        return process.pid();
    }

    /** Sends {@code signal} (TERM, KILL, ...) to every process of the group. */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + process.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("could not signal process group " + process.pid() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** TERM to the whole group, then KILL to what is left after {@code graceMillis}. */
    public void terminate(long graceMillis) throws InterruptedException {
        signal("TERM");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (groupAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (groupAlive()) {
            signal("KILL");
        }
    }

    /** True while any process of the group is alive (the leader may have exited before its children). */
    public boolean groupAlive() {
        if (process.isAlive()) {
            return true;
        }
        try {
            Process probe = new ProcessBuilder("kill", "-0", "--", "-" + process.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
