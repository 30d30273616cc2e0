package io.deployster.reliability;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A `deployster worker` in a JVM of its own, so a test can kill it with real signals. */
public final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final Path output;
    final String name;

    private WorkerProcess(Process process, Path output, String name) {
        this.process = process;
        this.output = output;
        this.name = name;
    }

    /** Starts the worker and returns once it has announced itself in Redis. */
    static WorkerProcess start(Redis redis, Path dir, String name, List<String> jvmOptions, String... args) throws IOException {
        return start(redis, dir, name, jvmOptions, Map.of(), args);
    }

    /**
     * A worker configured through its environment, as systemd's EnvironmentFile does it: {@code env} is
     * added to this JVM's; when it sets DEPLOYSTER_REDIS, the worker finds Redis there (no --redis).
     */
    public static WorkerProcess start(Redis redis, Path dir, String name, Map<String, String> env, String... args) throws IOException {
        return start(redis, dir, name, List.of(), env, args);
    }

    private static WorkerProcess start(Redis redis, Path dir, String name, List<String> jvmOptions, Map<String, String> env,
                                       String... args) throws IOException {
        WorkerProcess worker = launch(redis, dir, name, jvmOptions, env, args);
        Await.until("worker " + name + " up (see " + worker.output + ")", Duration.ofSeconds(30), () -> {
            if (!worker.process.isAlive()) {
                throw new AssertionError("worker " + name + " exited: " + worker.output());
            }
            return redis.call(j -> j.exists(Keys.defaults().worker(name)));
        });
        return worker;
    }

    /** Starts the worker without waiting for it: for one expected to refuse to start ({@link #awaitExit}). */
    static WorkerProcess launch(Redis redis, Path dir, String name, List<String> jvmOptions, Map<String, String> env,
                                String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.deployster.cli.Main", "worker", "--name", name));
        if (!env.containsKey("DEPLOYSTER_REDIS")) {
            command.addAll(List.of("--redis", redis.uri().toString()));
        }
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, name + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        return new WorkerProcess(builder.start(), output, name);
    }

    public static WorkerProcess start(Redis redis, Path dir, String name, String... args) throws IOException {
        return start(redis, dir, name, List.of(), args);
    }

    long pid() {
        return process.pid();
    }

    public void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker " + name + " did not exit within " + timeout.toSeconds() + " s: " + output());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Pids of live processes in process group {@code pgid}. */
    static List<Long> processesInGroup(long pgid) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-e", "-o", "pid=,pgid=,stat=").redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        for (String line : new String(ps.getInputStream().readAllBytes()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[1].equals(Long.toString(pgid)) && !f[2].startsWith("Z")) {
                pids.add(Long.parseLong(f[0]));
            }
        }
        ps.waitFor();
        return pids;
    }

    static void killGroup(long pgid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", "KILL", "--", "-" + pgid).redirectErrorStream(true)
                .redirectOutput(new File("/dev/null")).start().waitFor();
    }
}
