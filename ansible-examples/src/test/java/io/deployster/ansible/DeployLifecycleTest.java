package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First, second and broken third deploy of an app run by a real supervisord (one test: each
 * step builds on the one before, as on a real host).
 */
class DeployLifecycleTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void firstDeployStartsTheAppSecondSwitchesAndABrokenThirdLeavesCurrentAlone() throws Exception {
        try (Site site = Site.withSupervisor(tmp)) {
            Path hook = tmp.resolve("after_switch.yml");
            Files.writeString(hook, String.join("\n",
                    "- name: Record the switch",
                    "  ansible.builtin.lineinfile:",
                    "    path: \"{{ deploy_to }}/switches.log\"",
                    "    line: \"{{ deploy_previous_release or '-' }} -> {{ deploy_release }}\"",
                    "    create: true",
                    "    mode: \"0644\"",
                    ""));

            // 1. First deploy. Deployster passes ref and commit as deploy_ref and deploy_commit, marked
            //    unsafe (literal text): the release id is "<ref without refs/tags/>-<12 chars of the commit>".
            String r1 = "v1.0-0123456789ab";
            Ansible.Result first = site.deploy("v1", Map.of(
                    "deploy_ref", Json.unsafe("refs/tags/v1.0"),
                    "deploy_commit", Json.unsafe("0123456789abcdef0123456789abcdef01234567"),
                    "deploy_hooks_after_switch", hook.toString(),
                    "deploy_healthcheck_contains", "release v1")).assertSucceeded();
            Path release = site.deployTo.resolve("releases").resolve(r1);
            site.assertCurrent(r1, first);
            assertTrue(Files.isRegularFile(release.resolve("release.txt")), first::describe);
            assertEquals("built", Files.readString(release.resolve("build.txt")).trim(), "the build command ran in the release");
            assertTrue(Files.isRegularFile(release.resolve(".deploy-release.json")), "completion marker");
            assertTrue(Files.isDirectory(site.deployTo.resolve("shared/logs")), "shared/logs created");
            assertEquals(site.deployTo.resolve("shared/logs"), Files.readSymbolicLink(release.resolve("logs")),
                    "logs is a link into shared/");
            assertEquals(List.of(r1), site.history());
            assertTrue(site.supervisor().status().contains("RUNNING"), site.supervisor().status());
            site.assertServes("v1");
            long firstPid = site.supervisor().appPid();

            // 2. Second deploy: switch, restart, health check.
            Ansible.Result second = site.deploy("r2", Map.of("deploy_hooks_after_switch", hook.toString())).assertSucceeded();
            site.assertCurrent("r2", second);
            site.assertServes("r2");
            assertNotEquals(firstPid, site.supervisor().appPid(), "the app was restarted on release r2");
            assertTrue(second.output().contains("Health check GET http://127.0.0.1:" + site.port + "/release.txt"),
                    "the health check ran: " + second.describe());
            assertEquals(List.of(r1, "r2"), site.history());
            assertEquals(List.of("- -> " + r1, r1 + " -> r2"), Files.readAllLines(site.deployTo.resolve("switches.log")),
                    "the after-switch hook ran on each switch");
            long secondPid = site.supervisor().appPid();

            // 3. A build command fails: the play fails, current and the app stay on r2.
            Ansible.Result third = site.deploy("r3",
                    Map.of("deploy_build_commands", List.of("echo compiling", "echo 'syntax error' >&2; exit 3"))).assertFailed();
            assertTrue(third.output().contains("Build of release 'r3' failed"), third.describe());
            assertTrue(third.output().contains("syntax error"), "the failing command's output is shown: " + third.describe());
            assertTrue(third.output().contains("current still points at release 'r2'"), third.describe());
            site.assertCurrent("r2", third);
            assertFalse(site.releases().contains("r3"), "the failed release directory is removed: " + site.releases());
            assertEquals(secondPid, site.supervisor().appPid(), "the app was not restarted");
            site.assertServes("r2");
            assertEquals(List.of(r1, "r2"), site.history());
        }
    }
}
