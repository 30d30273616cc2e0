package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example playbooks and inventories work as their comments and the README say. */
class ExamplesTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void playbooksPassSyntaxCheckAndTheFleetTemplateGivesEachGroupItsPrograms() {
        Ansible ansible = new Ansible(tmp.resolve("work"));
        Ansible.Result syntax = ansible.playbook("recipes.yml",
                List.of("--syntax-check", "celery.yml", "deploy.yml", "rollback.yml"));
        syntax.assertSucceeded();

        Path examples = Ansible.examplesDir();
        for (String[] hostAndProgram : new String[][] {
                {"app-1.shop.example.com", "shop-web"},
                {"worker-1.shop.example.com", "shop-worker"},
                {"beat-1.shop.example.com", "shop-beat"}}) {
            Processes.Result host = Processes.run(List.of("ansible-inventory", "-i", "inventories/fleet.example",
                    "--playbook-dir", ".", "--host", hostAndProgram[0]), examples, ansible.environment(), Duration.ofMinutes(1));
            assertEquals(0, host.exitCode(), host::describe);
            String compact = host.output().replaceAll("\\s+", "");
            assertTrue(compact.contains("\"deploy_supervisor_programs\":[\"" + hostAndProgram[1] + "\"]"),
                    hostAndProgram[0] + " should restart " + hostAndProgram[1] + ": " + host.describe());
            assertTrue(compact.contains("\"deploy_to\":\"{{celery_deploy_to|default('/srv/shop')}}\""), host::describe);
        }
    }

    @Test
    void recipesDeploysFrontendAndBackendAndRestartsTheBackendWhenUpdated() throws Exception {
        Path root = tmp.resolve("ex");
        Path backendCurrent = root.resolve("recipes/backend/current");
        int port = Http.freePort();
        Path python = RequiredTools.onPath("python3");
        try (Supervisor supervisor = Supervisor.start(tmp.resolve("sv"),
                List.of(new Supervisor.Program("recipes-backend", python + " server.py", backendCurrent)))) {
            Ansible ansible = new Ansible(tmp.resolve("work"));
            List<String> common = List.of("-e", "examples_root=" + root,
                    "-e", "examples_restart_method=supervisor",
                    "-e", "examples_supervisorctl_config=" + supervisor.config(),
                    "-e", "recipes_backend_port=" + port);

            ansible.playbook("recipes.yml", with(common, "-e", "ref=v1")).assertSucceeded();
            assertTrue(Files.readString(root.resolve("recipes/www/index.html")).contains("<span id=\"release\">v1</span>"),
                    "the document root serves the v1 frontend build");
            Http.awaitBody(port, "/health", "ok v1", Duration.ofSeconds(15));
            assertTrue(Http.get(port, "/api/recipes").contains("Pancakes"));
            Path env = root.resolve("recipes/backend/releases/v1/.env");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
            long pid = supervisor.pid("recipes-backend");

            Ansible.Result v2 = ansible.playbook("recipes.yml", with(common, "-e", "ref=v2")).assertSucceeded();
            assertTrue(v2.output().contains("frontend v2 (switched), backend v2 (switched and restarted)"), v2::describe);
            assertTrue(Files.readString(root.resolve("recipes/www/index.html")).contains("<span id=\"release\">v2</span>"));
            Http.awaitBody(port, "/health", "ok v2", Duration.ofSeconds(15));
            assertNotEquals(pid, supervisor.pid("recipes-backend"), "the backend was restarted on v2");
        }
    }

    @Test
    void celeryDeploysWebWorkerAndSchedulerWithTheirGroupVars() throws Exception {
        Path root = tmp.resolve("ex");
        Ansible ansible = new Ansible(tmp.resolve("work"));
        Ansible.Result result = ansible.playbook("celery.yml",
                List.of("-e", "examples_root=" + root, "-e", "ref=v7")).assertSucceeded();
        for (String host : List.of("shop-web", "shop-worker", "shop-scheduler")) {
            Path current = root.resolve(host).resolve("current");
            assertEquals("releases/v7", Files.readSymbolicLink(current).toString(), result::describe);
            assertTrue(Files.isRegularFile(current.resolve("shop/tasks.py")), host);
            assertTrue(Files.readString(current.resolve(".env")).contains("DJANGO_SETTINGS_MODULE='shop.settings'"), host);
            assertTrue(Files.isSymbolicLink(current.resolve("media")), host + ": media is shared");
            assertEquals(0, result.failed(host), result::describe);
        }
    }

    private static List<String> with(List<String> common, String... more) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(more));
        return args;
    }
}
