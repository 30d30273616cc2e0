package io.deployster.jenkins.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.run.AnsibleCommand;
import io.deployster.secret.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
    private static final JobSpec SPEC = JobSpec.ansible("recipes", "deploy.yml").inventory("inventories/local")
            .limit("web").ref("v1.2.0").build();

    @Test
    void withoutCredentialsItIsTheWorkersCommand() {
        assertEquals(AnsibleCommand.argv(SPEC), AgentCommand.argv(SPEC, AgentCommand.Files.NONE));
    }

    @Test
    void credentialFilesGoBeforeThePlaybookAndNeverTheSecrets() {
        List<String> argv = AgentCommand.argv(SPEC, new AgentCommand.Files("/ws@tmp/d/ssh-key", "deploy", "/ws@tmp/d/ssh-askpass.sh",
                "/ws@tmp/d/vault-password"));
        assertEquals("ansible-playbook", argv.get(0));
        assertEquals(List.of("--", "deploy.yml"), argv.subList(argv.size() - 2, argv.size()));
        assertTrue(argv.contains("--private-key=/ws@tmp/d/ssh-key"), argv.toString());
        assertTrue(argv.contains("--user=deploy"), argv.toString());
        assertTrue(argv.contains("--vault-password-file=/ws@tmp/d/vault-password"), argv.toString());
        assertTrue(argv.indexOf("--private-key=/ws@tmp/d/ssh-key") < argv.indexOf("--"));
    }

    @Test
    void environmentDescribesTheDeployAndUsesAskPassOnlyForAPassphrase() {
        Map<String, String> env = AgentCommand.environment(SPEC, AgentCommand.Files.NONE);
        assertEquals("1", env.get("PYTHONUNBUFFERED"));
        assertEquals("recipes", env.get("DEPLOYSTER_PROJECT"));
        assertEquals("v1.2.0", env.get("DEPLOYSTER_REF"));
        assertFalse(env.containsKey("SSH_ASKPASS"));
        assertNull(env.get("DEPLOYSTER_COMMIT"));
        Map<String, String> withPassphrase = AgentCommand.environment(SPEC, new AgentCommand.Files("k", null, "/t/askpass", null));
        assertEquals("/t/askpass", withPassphrase.get("SSH_ASKPASS"));
        assertEquals("force", withPassphrase.get("SSH_ASKPASS_REQUIRE"));
    }

    @Test
    void theAskPassScriptPrintsAnyPassphraseExactly(@TempDir Path dir) throws Exception {
        Path passphrase = dir.resolve("it's a dir").resolve(AgentCommand.PASSPHRASE_FILE);
        Files.createDirectories(passphrase.getParent());
        Files.writeString(passphrase, "p\"a$s `w'o\\rd");
        Path script = dir.resolve(AgentCommand.ASKPASS_FILE);
        Files.writeString(script, AgentCommand.askPassScript(passphrase.toString()));
        Process p = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("p\"a$s `w'o\\rd", new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void ansiblePlaybookIsFoundOnThePathGivenToTheProcess(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("venv bin"));
        Path fake = bin.resolve("ansible-playbook");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"arg: $a\"; done\nexit 4\n");
        assertTrue(fake.toFile().setExecutable(true));
        List<String> argv = AgentCommand.argv(SPEC, new AgentCommand.Files("/k ey", null, null, null));
        ProcessBuilder pb = new ProcessBuilder(AgentCommand.launchArgv(argv)).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(4, p.exitValue());
        StringBuilder expected = new StringBuilder();
        for (String a : argv.subList(1, argv.size())) {
            expected.append("arg: ").append(a).append('\n');
        }
        assertEquals(expected.toString(), out);
    }

    @Test
    void aPrivateKeyFileEndsWithALineEnd() {
        assertEquals("KEY\n", AgentCommand.privateKeyFile("KEY"));
        assertEquals("KEY\n", AgentCommand.privateKeyFile("KEY\n"));
    }

    @Test
    void secretExtraVarsComeFromAPrivateFileAfterThePlainOnesAndSecretEnvFromTheEnvironment() {
        JobSpec spec = JobSpec.ansible("recipes", "deploy.yml").extraVars(Map.of("release", "v1")).ref("v1").build();
        List<String> argv = AgentCommand.argv(spec, new AgentCommand.Files(null, null, null, null, "/ws@tmp/d/" + AgentCommand.SECRET_VARS_FILE));
        int secretVars = argv.indexOf("--extra-vars=@/ws@tmp/d/secret-vars.json");
        assertTrue(secretVars > 0, argv.toString());
        int plainVars = argv.indexOf("--extra-vars={\"release\":{\"__ansible_unsafe\":\"v1\"}}");
        assertTrue(plainVars > 0 && secretVars > plainVars, "a secret wins over a plain var: " + argv);
        assertTrue(secretVars < argv.indexOf("--"), argv.toString());

        Secrets secrets = new Secrets(
                Map.of("AWS_SECRET_ACCESS_KEY", "aws-s3cret", "DEPLOYSTER_PROJECT", "spoofed"), Map.of("db_password", "db-s3cret", "n", 42));
        Map<String, String> env = AgentCommand.environment(spec, AgentCommand.Files.NONE, secrets);
        assertEquals("aws-s3cret", env.get("AWS_SECRET_ACCESS_KEY"));
        assertEquals("recipes", env.get("DEPLOYSTER_PROJECT"), "the deploy's own variables win");
        assertFalse(AgentCommand.environment(spec, AgentCommand.Files.NONE).containsKey("AWS_SECRET_ACCESS_KEY"));
        // marked unsafe as on a worker, so Ansible never templates a secret's text
        assertEquals(Map.of("db_password", Map.of("__ansible_unsafe", "db-s3cret"), "n", 42L),
                JobCodec.parseValue(AgentCommand.secretVarsJson(secrets)));
    }
}
