package io.deployster.bench;

import io.deployster.redis.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code deployster worker} in a JVM of its own (this program's classes) serving one queue of the
 * default namespace (the command has no namespace option: the queue's name is the benchmark's own).
 */
final class WorkerProcess implements AutoCloseable {
    /** The JVM flags bin/deployster gives {@code worker}; keep the two the same. */
    static final String DEPLOYED_JAVA_OPTIONS = "-XX:+UseSerialGC -Xms8m -Xmx256m -XX:TieredStopAtLevel=1";

    private final BenchContext ctx;
    private final String queueKey;
    private final Process process;
    private final Path log;

    private WorkerProcess(BenchContext ctx, String queueKey, Process process, Path log) {
        this.ctx = ctx;
        this.queueKey = queueKey;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the worker and returns once it serves {@code queue} (its consumer group exists).
     *
     * @param options more {@code worker} options, e.g. {@code --concurrency 1}
     * @throws IllegalStateException when it exits or does not serve the queue within 60 s, with its output's end
     */
    static WorkerProcess start(BenchContext ctx, String queue, String javaOptions, String... options) throws IOException, InterruptedException {
        String queueKey = Keys.defaults().queue(queue);
        Path log = ctx.work.resolve(queue + ".log");
        List<String> args = new ArrayList<>(List.of("worker", "--redis", ctx.uri, "--queues", queue, "--name", queue));
        args.addAll(List.of(options));
        Process process = new ProcessBuilder(Launch.javaArgv(javaOptions, "io.deployster.cli.Main", args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WorkerProcess worker = new WorkerProcess(ctx, queueKey, process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ctx.redis.call(j -> j.exists(queueKey))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "still starting after 60 s" : "exited with " + process.exitValue();
                worker.close();
                throw new IllegalStateException("the worker process did not start serving its queue (" + why + "): " + worker.tail());
            }
            Thread.sleep(20);
        }
        return worker;
    }

    long pid() {
        return process.pid();
    }

    /** Sends {@code signal} (a name kill(1) knows, e.g. STOP, CONT) to the worker's JVM. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + out.trim());
        }
    }

    /** Stops the worker (TERM, as a service manager would; KILL after 20 s) and deletes its queue. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        ctx.redis.run(j -> j.del(queueKey));
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
