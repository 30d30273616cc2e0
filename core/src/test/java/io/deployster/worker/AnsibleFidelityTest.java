package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.queue.QueueSettings;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extra vars reach a real ansible-playbook exactly as JSON gave them, as literal text Ansible never
 * templates, and secret ones never show, escaped or not.
 */
class AnsibleFidelityTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @BeforeEach
    void playbook() throws Exception {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        Files.writeString(dir.resolve("inventory"), "localhost ansible_connection=local ansible_python_interpreter=auto_silent\n");
    }

    @Test
    void extraVarsKeepNullsNestingLargeIntegersAndTypes() throws Exception {
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - copy:
                        dest: "{{ out }}/vars.json"
                        content: "{{ {'d': d, 'nul': nul, 'big': big, 'f': f, 't': t, 'l': l} | to_json }}"
                    - assert:
                        that: [nul is none, d.nested.x is none, big is integer, t is sameas true]
                """);
        String spec = "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"site.yml\",\"inventory\":\"inventory\",\"cwd\":\""
                + dir + "\",\"extraVars\":{\"out\":\"" + dir + "\",\"d\":{\"k\":\"v\",\"nested\":{\"x\":null}},\"nul\":null,"
                + "\"big\":123456789012345678901234567890,\"f\":0.5,\"t\":true,\"l\":[1,null,\"s\"]}}";
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("w1", 1);
            String id = d.client.submit(JobCodec.parseSpec(spec));
            List<String> lines = new ArrayList<>();
            JobState state = d.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });
            assertEquals(JobStatus.SUCCEEDED, state.status(), String.join("\n", lines));
            assertEquals(JobCodec.parseValue("{\"d\":{\"k\":\"v\",\"nested\":{\"x\":null}},\"nul\":null,"
                    + "\"big\":123456789012345678901234567890,\"f\":0.5,\"t\":true,\"l\":[1,null,\"s\"]}"),
                    JobCodec.parseValue(Files.readString(dir.resolve("vars.json"))));
        }
    }

    @Test
    void aSecretExtraVarPrintedByDebugVarIsMaskedEvenEscaped() throws Exception {
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - debug: {var: api_key}
                    - debug: {msg: "{{ {'k': api_key} | to_json }}"}
                """);
        JobSigner keys = new JobSigner(KeyRing.parse(SecurityEndToEndTest.KEY, "test"), Clock.systemUTC(), Duration.ofHours(1));
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            String id = d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(dir.toString()).inventory("inventory").build(),
                    new Secrets(Map.of(), Map.of("api_key", "abc\\def123")));
            List<String> lines = new ArrayList<>();
            JobState state = d.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });
            String log = String.join("\n", lines);
            assertEquals(JobStatus.SUCCEEDED, state.status(), log);
            assertTrue(log.contains("\"api_key\": \"****\""), log);
            assertFalse(log.contains("def123"), log);
        }
    }

    // docs/security.md: no injection from any field but commands. Ansible templates a variable's value
    // when a play reads it, so each of these would run `id` on the deploy host if passed as plain text.
    @Test
    void templatesInRefCommitAndExtraVarsArePrintedLiterallyNeverRun() throws Exception {
        String pipe = "{{lookup('pipe','id')}}";
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - debug: msg="ref {{ deploy_ref | default('') }}"
                    - debug: {var: token}
                    - set_fact:
                        short_ref: "{{ deploy_ref | regex_replace('^refs/tags/', '') }}"
                    - copy:
                        dest: "{{ out }}/vars.json"
                        content: "{{ {'ref': short_ref, 'commit': deploy_commit, 'a': a, 'nested': nested, 'token': token,
                                     'keys': nested.m | dict2items | map(attribute='key') | list} | to_json }}"
                """);
        Map<String, Object> extraVars = new LinkedHashMap<>();
        extraVars.put("out", dir.toString());
        extraVars.put("a", "{{ lookup(\"pipe\",\"id\") }}");
        extraVars.put("nested", JobCodec.parseValue("{\"l\":[1,\"{{ 7 * 7 }}\",null],\"m\":{\"{{ lookup('pipe','hostname') }}\":\"{{ 6 * 7 }}\"}}"));
        JobSigner keys = new JobSigner(KeyRing.parse(SecurityEndToEndTest.KEY, "test"), Clock.systemUTC(), Duration.ofHours(1));
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            String id = d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(dir.toString()).inventory("inventory")
                            .ref("refs/tags/" + pipe).commit("{{ 6 * 7 }}").extraVars(extraVars).build(),
                    new Secrets(Map.of(), Map.of("token", "{{ lookup('pipe','echo secret-ran') }}")));
            List<String> lines = new ArrayList<>();
            JobState state = d.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });
            String log = String.join("\n", lines);
            assertEquals(JobStatus.SUCCEEDED, state.status(), log);
            assertTrue(log.contains("\"msg\": \"ref refs/tags/" + pipe + "\""), log);
            assertTrue(log.contains("\"token\": \"****\""), "the secret is still masked: " + log);
            assertFalse(log.contains("uid="), log);
            assertFalse(log.contains("secret-ran"), log);
            assertEquals(JobCodec.parseValue("{\"ref\":\"" + pipe + "\",\"commit\":\"{{ 6 * 7 }}\",\"a\":\"{{ lookup(\\\"pipe\\\",\\\"id\\\") }}\","
                            + "\"nested\":{\"l\":[1,\"{{ 7 * 7 }}\",null],\"m\":{\"{{ lookup('pipe','hostname') }}\":\"{{ 6 * 7 }}\"}},"
                            + "\"token\":\"{{ lookup('pipe','echo secret-ran') }}\",\"keys\":[\"{{ lookup('pipe','hostname') }}\"]}"),
                    JobCodec.parseValue(Files.readString(dir.resolve("vars.json"))));
        }
    }
}
