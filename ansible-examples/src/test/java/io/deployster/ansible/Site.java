package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One application deployed by the role into a test's temp directory: its release sources, its
 * deploy_to, the ansible runner and (optionally) the supervisord that runs it on a free port.
 */
final class Site implements AutoCloseable {

    final Path root;
    final Path deployTo;
    final Ansible ansible;
    final int port;
    private final Supervisor supervisor;
    private int runs;

    private Site(Path root, Supervisor supervisor, int port) {
        this.root = root;
        this.deployTo = root.resolve("app");
        this.ansible = new Ansible(root.resolve("work"));
        this.supervisor = supervisor;
        this.port = port;
    }

    /** A site whose app runs under a supervisord of the test's own, restarted by supervisorctl. */
    static Site withSupervisor(Path root) throws IOException {
        int port = Http.freePort();
        Supervisor supervisor = Supervisor.start(root.resolve("sv"), root.resolve("app"), port);
        return new Site(root, supervisor, port);
    }

    /** A site that is only deployed on disk (deploy_restart_method: none, no health check). */
    static Site withoutRestart(Path root) {
        return new Site(root, null, 0);
    }

    Supervisor supervisor() {
        return supervisor;
    }

    /** Creates the source directory of a release: release.txt says "release {id}". */
    Path source(String id) {
        Path dir = root.resolve("src").resolve(id);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("release.txt"), "release " + id + "\n");
            Files.writeString(dir.resolve("index.html"), "<h1>release " + id + "</h1>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The role's variables for deploying the source of {@code id} (created if needed; null: none). */
    Map<String, Object> vars(String id) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("deploy_to", deployTo.toString());
        vars.put("deploy_source", "local");
        if (id != null) {
            Path source = root.resolve("src").resolve(id);
            if (!Files.isDirectory(source)) {
                source(id);
            }
            vars.put("deploy_local_path", source.toString());
            vars.put("ref", id);
        }
        vars.put("deploy_shared_paths", List.of("logs"));
        vars.put("deploy_build_commands", List.of("echo built > build.txt"));
        if (supervisor != null) {
            vars.put("deploy_restart_method", "supervisor");
            vars.put("deploy_supervisor_programs", List.of(Supervisor.PROGRAM));
            vars.put("deploy_supervisorctl_config", supervisor.config().toString());
            vars.put("deploy_healthcheck_url", "http://127.0.0.1:" + port + "/release.txt");
            vars.put("deploy_healthcheck_contains", "release {{ deploy_release }}");
            vars.put("deploy_healthcheck_retries", 10);
            vars.put("deploy_healthcheck_delay", 1);
        } else {
            vars.put("deploy_restart_method", "none");
        }
        return vars;
    }

    /** deploy.yml with {@link #vars(String)} plus {@code overrides}, and extra ansible-playbook args. */
    Ansible.Result deploy(String id, Map<String, ?> overrides, String... args) {
        Map<String, Object> vars = vars(id);
        vars.putAll(overrides);
        return run("deploy.yml", vars, args);
    }

    Ansible.Result deploy(String id) {
        return deploy(id, Map.of());
    }

    /** rollback.yml with the variables of a deploy (deploy_action is set by the playbook). */
    Ansible.Result rollback(Map<String, ?> overrides, String... args) {
        Map<String, Object> vars = vars(null);
        vars.putAll(overrides);
        return run("rollback.yml", vars, args);
    }

    private Ansible.Result run(String playbook, Map<String, Object> vars, String... args) {
        List<String> argv = new ArrayList<>(List.of("--limit", "localhost", "-e", ansible.varsFile("vars-" + (++runs), vars)));
        argv.addAll(List.of(args));
        return ansible.playbook(playbook, argv);
    }

    /** What current points at, as written in the symlink (e.g. "releases/r1"); null when absent. */
    String current() {
        Path current = deployTo.resolve("current");
        try {
            return Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).toString() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The release directories on disk. */
    TreeSet<String> releases() {
        TreeSet<String> names = new TreeSet<>();
        Path dir = deployTo.resolve("releases");
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The release history file, one id per line. */
    List<String> history() {
        try {
            Path file = deployTo.resolve("releases.history");
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts current points at release {@code id}. */
    void assertCurrent(String id, Ansible.Result after) {
        assertEquals("releases/" + id, current(), () -> "current after " + after.describe());
    }

    /** Waits until the app serves release {@code id} (release.txt says so). */
    void assertServes(String id) {
        Http.awaitBody(port, "/release.txt", "release " + id, Duration.ofSeconds(15));
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
        }
    }
}
