package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Ansible mode with the real ansible-playbook against localhost. */
class AnsibleJobTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @BeforeAll
    static void ansibleIsInstalled() {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
    }

    @Test
    void runsThePlaybookWithExtraVarsAndStreamsItsOutput() throws Exception {
        Files.writeString(dir.resolve("inventory"), "localhost ansible_connection=local ansible_python_interpreter=auto_silent\n");
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: write the release marker
                      copy:
                        dest: "{{ target }}/release.txt"
                        content: "{{ deploy_ref }} {{ items | join(',') }} {{ count + 1 }}\\n"
                """);
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.ansible("recipes", "site.yml").inventory("inventory").cwd(dir.toString())
                    .limit("localhost").ref("v1.2.3")
                    .extraVars(Map.of("target", dir.toString(), "items", List.of("a", "b"), "count", 41)).build());
            List<String> lines = new ArrayList<>();
            JobState state = deployment.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });

            assertEquals(JobStatus.SUCCEEDED, state.status(), String.join("\n", lines));
            assertEquals("v1.2.3 a,b 42\n", Files.readString(dir.resolve("release.txt")));
            assertTrue(lines.stream().anyMatch(l -> l.contains("TASK [write the release marker]")), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.contains("PLAY RECAP")), String.join("\n", lines));
        }
    }

    @Test
    void aFailingPlaybookFailsTheJobWithAnsiblesExitCode() throws Exception {
        Files.writeString(dir.resolve("inventory"), "localhost ansible_connection=local ansible_python_interpreter=auto_silent\n");
        Files.writeString(dir.resolve("fail.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - fail:
                        msg: the health check said no
                """);
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.ansible("recipes", "fail.yml").inventory("inventory").cwd(dir.toString()).build());
            List<String> lines = new ArrayList<>();
            JobState state = deployment.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });

            assertEquals(JobStatus.FAILED, state.status());
            assertEquals(2, state.exitCode());
            assertTrue(state.reason().contains("ansible-playbook exited with 2 (fail.yml)"), state.reason());
            assertTrue(lines.stream().anyMatch(l -> l.contains("the health check said no")), String.join("\n", lines));
        }
    }
}
