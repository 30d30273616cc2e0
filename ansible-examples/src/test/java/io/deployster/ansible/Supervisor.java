package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real supervisord started by the test, with its own config file, unix socket, pidfile and logs
 * in the test's directory; it never touches the system's supervisor. Its one program, "app", is
 * python3's http.server on a free port, run in {@code <deploy_to>/current}: it serves the files of
 * the release that was current when it was (re)started.
 */
final class Supervisor implements AutoCloseable {

    static final String PROGRAM = "app";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path config;
    private final Process process;

    private Supervisor(Path dir, Path config, Process process) {
        this.dir = dir;
        this.config = config;
        this.process = process;
    }

    /** A supervisor program: its name, command line and working directory. */
    record Program(String name, String command, Path directory) {}

    /** Starts supervisord with the one program "app": python3's http.server on {@code port} in deploy_to/current. */
    static Supervisor start(Path dir, Path deployTo, int port) throws IOException {
        Path python = RequiredTools.onPath("python3");
        return start(dir, List.of(new Program(PROGRAM, python + " -m http.server " + port + " --bind 127.0.0.1",
                deployTo.resolve("current"))));
    }

    /** Starts supervisord with {@code programs}; none is started (autostart=false): the deploy starts them. */
    static Supervisor start(Path dir, List<Program> programs) throws IOException {
        Files.createDirectories(dir);
        Path socket = dir.resolve("s.sock");
        if (socket.toString().length() > 100) {
            fail("unix socket path too long for supervisord (" + socket + "); use a shorter temp dir");
        }
        Path config = dir.resolve("supervisord.conf");
        List<String> lines = new ArrayList<>(List.of(
                "[unix_http_server]",
                "file=" + socket,
                "chmod=0700",
                "",
                "[supervisord]",
                "nodaemon=true",
                "pidfile=" + dir.resolve("supervisord.pid"),
                "logfile=" + dir.resolve("supervisord.log"),
                "childlogdir=" + dir,
                "",
                "[rpcinterface:supervisor]",
                "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
                "",
                "[supervisorctl]",
                "serverurl=unix://" + socket));
        for (Program program : programs) {
            lines.addAll(List.of(
                    "",
                    "[program:" + program.name() + "]",
                    "command=" + program.command(),
                    "directory=" + program.directory(),
                    "autostart=false",
                    "autorestart=false",
                    "startsecs=1",
                    "startretries=0",
                    "stopwaitsecs=10",
                    "stopasgroup=true",
                    "killasgroup=true",
                    "redirect_stderr=true",
                    "stdout_logfile=" + dir.resolve(program.name() + ".log")));
        }
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        Process process = new ProcessBuilder("supervisord", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("supervisord.out").toFile())
                .start();
        Supervisor supervisor = new Supervisor(dir, config, process);
        try {
            supervisor.awaitReady();
        } catch (RuntimeException | Error e) {
            supervisor.close();
            throw e;
        }
        return supervisor;
    }

    Path config() {
        return config;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Processes.Result last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("supervisord exited with " + process.exitValue() + ":\n" + log("supervisord.out"));
            }
            last = ctl("pid");
            if (last.exitCode() == 0 && last.output().trim().matches("\\d+")) {
                return;
            }
            pause();
        }
        fail("supervisord did not answer within " + START_TIMEOUT + "; last: "
                + (last == null ? "-" : last.describe()) + "\n" + log("supervisord.out"));
    }

    /** supervisorctl -c <our config> args... */
    Processes.Result ctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("supervisorctl", "-c", config.toString()));
        argv.addAll(List.of(args));
        return Processes.run(argv, dir, null, Duration.ofSeconds(60));
    }

    /** The "supervisorctl status app" line, e.g. "app RUNNING pid 123, uptime 0:00:03". */
    String status() {
        return status(PROGRAM);
    }

    String status(String program) {
        return ctl("status", program).output().trim();
    }

    /** The pid of the running app; fails when it is not running. */
    long appPid() {
        return pid(PROGRAM);
    }

    /** The pid of the running {@code program}; fails when it is not running. */
    long pid(String program) {
        String status = status(program);
        Matcher m = Pattern.compile("RUNNING\\s+pid (\\d+)").matcher(status);
        if (!m.find()) {
            fail(program + " is not running under supervisord: " + status + "\n" + log(program + ".log"));
        }
        return Long.parseLong(m.group(1));
    }

    String log(String name) {
        try {
            Path file = dir.resolve(name);
            return Files.exists(file) ? Files.readString(file) : "(no " + name + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops supervisord and its app: supervisorctl shutdown, then signals if it is still there. */
    @Override
    public void close() {
        if (process.isAlive()) {
            ctl("shutdown");
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
