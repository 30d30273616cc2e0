package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example application repository (examples/app-repo) deployed as its pipeline does it: the
 * artifact built once with make, served by an artifact repository (a local HTTP server), the
 * pinned deploy collection installed on the worker by a commands job, then the pipeline's
 * playbook run by a real worker for the worker, scheduler and web groups.
 */
class AppRepoThroughQueueTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private static final String TAG = "v1.4.0";
    private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    private static final List<String> GROUPS = List.of("worker", "scheduler", "web");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private Path supervisorConfig;

    @BeforeAll
    static void toolsAreInstalled() {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        Tools.require("ansible-galaxy", "apt-get install -y ansible");
        Tools.require("supervisord", "apt-get install -y supervisor");
        Tools.require("make", "apt-get install -y make");
        Tools.require("python3", "apt-get install -y python3");
    }

    @AfterEach
    void stopProcesses() throws Exception {
        if (supervisorConfig != null) {
            try {
                run(dir, "supervisorctl", "-c", supervisorConfig.toString(), "shutdown");
            } catch (AssertionError e) {
                // supervisord is not answering; it is stopped below like the other processes
            }
        }
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theAppRepoPipelineDeploysItsArtifactToWebWorkerAndScheduler() throws Exception {
        Path sources = Path.of("../examples/app-repo").toRealPath();
        Path collectionSources = Path.of("../ansible-examples/collection").toRealPath();
        String collectionVersion = galaxyVersion(collectionSources);
        assertTrue(Files.readString(sources.resolve("pipeline/requirements.yml")).contains("version: deploy-" + collectionVersion + "\n"),
                "the example pins the collection version of this checkout (" + collectionVersion + ")");

        // The worker host's checkout of the application repository.
        Path checkout = dir.resolve("checkout");
        copy(sources, checkout);
        Path pipeline = checkout.resolve("pipeline");

        // CI builds the artifact once and uploads it.
        run(checkout, "make", "dist", "VERSION=" + TAG);
        String sha256 = Files.readString(checkout.resolve("dist/tasks-" + TAG + ".tar.gz.sha256")).split("\\s+")[0];
        Path repository = Files.createDirectories(dir.resolve("artifacts/tasks"));
        Files.copy(checkout.resolve("dist/tasks-" + TAG + ".tar.gz"), repository.resolve("tasks-" + TAG + ".tar.gz"));
        int artifactsPort = freePort();
        background(dir.resolve("http.log"), "python3", "-m", "http.server", String.valueOf(artifactsPort),
                "--bind", "127.0.0.1", "--directory", dir.resolve("artifacts").toString());
        Await.until("the artifact repository answers", Duration.ofSeconds(20),
                () -> get(artifactsPort, "/tasks/tasks-" + TAG + ".tar.gz").startsWith("200"));

        // The deploy hosts' supervisord, with the three programs of supervisor.conf.example.
        Path root = dir.resolve("hosts");
        int webPort = freePort();
        startSupervisor(root, webPort);

        Path collectionTarball = dir.resolve("dist/deployster-deploy-" + collectionVersion + ".tar.gz");
        run(dir, "ansible-galaxy", "collection", "build", collectionSources.toString(), "--output-path", dir.resolve("dist").toString());

        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);

            // As the Jenkinsfile's first stage: install the pinned collection next to the playbook
            // (pipeline/ansible.cfg's collections_path), here from the built tarball.
            CliTest.Run install = CliTest.run("submit", "--redis", redis.uri(), "--project", "tasks", "--cd", pipeline.toString(),
                    "--command", "ansible-galaxy collection install " + collectionTarball, "-q");
            assertEquals(ExitCodes.SUCCEEDED, install.exit(), install.out() + install.err());
            assertTrue(Files.isDirectory(pipeline.resolve("collections/ansible_collections/deployster/deploy/roles/deploy")),
                    install.out());

            for (String group : GROUPS) {
                CliTest.Run r = CliTest.run("submit", "--redis", redis.uri(), "--project", "tasks",
                        "--cwd", pipeline.toString(), "--playbook", "playbook.yml", "--inventory", "inventories/local",
                        "--limit", group, "--ref", TAG, "--commit", COMMIT,
                        "--extra-var", "artifact_base_url=http://127.0.0.1:" + artifactsPort,
                        "--extra-var", "artifact_sha256=" + sha256,
                        "--extra-var", "tasks_local_root=" + root,
                        "--extra-var", "tasks_web_port=" + webPort,
                        "--extra-var", "tasks_supervisorctl_config=" + supervisorConfig, "-q");
                assertEquals(ExitCodes.SUCCEEDED, r.exit(), group + ": " + r.out() + r.err());
                assertTrue(r.out().contains("TASK [deployster.deploy.deploy : "), r.out());
                String release = TAG + "-" + COMMIT.substring(0, 12);
                assertEquals("releases/" + release, Files.readSymbolicLink(root.resolve(group).resolve("current")).toString(), r.out());
                assertEquals(TAG, Files.readString(root.resolve(group).resolve("current/VERSION")).trim());
                assertTrue(Files.readString(root.resolve(group).resolve("current/.deploy-release.json"))
                        .contains("\"role_version\": \"" + collectionVersion + "\""));
            }
        }

        for (String group : GROUPS) {
            String status = run(dir, "supervisorctl", "-c", supervisorConfig.toString(), "status", "tasks-" + group);
            assertTrue(status.matches("(?s)tasks-" + group + "\\s+RUNNING\\s+pid \\d+.*"), status);
        }
        assertEquals("200 ok " + TAG, get(webPort, "/health"));
        // The scheduler queues tasks and the worker runs them, each in its own deploy_to here.
        Await.until("the scheduler queued a task", Duration.ofSeconds(20), () -> hasTask(root.resolve("scheduler/shared/spool/queue")));
        assertTrue(Files.readString(root.resolve("worker/shared/spool/worker.heartbeat")).startsWith(TAG + " "));
    }

    private void startSupervisor(Path root, int webPort) throws IOException {
        Path sv = Files.createDirectories(dir.resolve("sv"));
        Path socket = sv.resolve("s.sock");
        supervisorConfig = sv.resolve("supervisord.conf");
        StringBuilder conf = new StringBuilder("""
                [unix_http_server]
                file=%1$s
                chmod=0700

                [supervisord]
                nodaemon=true
                pidfile=%2$s/supervisord.pid
                logfile=%2$s/supervisord.log
                childlogdir=%2$s

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [supervisorctl]
                serverurl=unix://%1$s
                """.formatted(socket, sv));
        for (String group : GROUPS) {
            String command = switch (group) {
                case "web" -> "python3 -m tasks.web --port " + webPort;
                case "scheduler" -> "python3 -m tasks.scheduler --every 1";
                default -> "python3 -m tasks.worker";
            };
            // autostart=false: the deploy starts each program once its release is in place.
            conf.append("""

                    [program:tasks-%1$s]
                    command=%2$s
                    directory=%3$s
                    autostart=false
                    autorestart=false
                    startsecs=1
                    startretries=0
                    stopasgroup=true
                    killasgroup=true
                    redirect_stderr=true
                    stdout_logfile=%4$s/%1$s.log
                    """.formatted(group, command, root.resolve(group).resolve("current"), sv));
        }
        Files.writeString(supervisorConfig, conf.toString());
        background(sv.resolve("supervisord.out"), "supervisord", "-c", supervisorConfig.toString());
        Await.until("supervisord answers", Duration.ofSeconds(20), () -> {
            try {
                return run(dir, "supervisorctl", "-c", supervisorConfig.toString(), "pid").trim().matches("\\d+");
            } catch (AssertionError | IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    private static boolean hasTask(Path queue) {
        if (!Files.isDirectory(queue)) {
            return false;
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".task"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String galaxyVersion(Path collection) throws IOException {
        Matcher m = Pattern.compile("(?m)^version: (\\S+)$").matcher(Files.readString(collection.resolve("galaxy.yml")));
        assertTrue(m.find(), "no version in galaxy.yml");
        return m.group(1);
    }

    /** Copies the application repository as a checkout has it (no build output, no installed collections). */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                String relative = from.relativize(file).toString();
                if (relative.matches("(dist|build|pipeline/collections)(/.*)?|.*__pycache__.*")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private void background(Path log, String... argv) throws IOException {
        started.add(new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    /** Runs argv in dir to completion (2 minutes at most); its output; fails on a non-zero exit. */
    private static String run(Path dir, String... argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(argv) + " did not finish within 2 minutes: " + Files.readString(out));
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(List.of(argv) + " exited with " + p.exitValue() + ": " + output);
        }
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String get(int port, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().trim();
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
