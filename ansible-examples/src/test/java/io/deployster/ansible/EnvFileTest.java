package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The env file is private to its owner and its values never reach ansible's output. */
class EnvFileTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void envFileHasMode0600AndTheSecretNeverAppearsInTheOutput() throws Exception {
        Site site = Site.withoutRestart(tmp);
        String secret = "s3cret-" + UUID.randomUUID();
        Map<String, Object> vars = Map.of(
                "deploy_env", Map.of("DATABASE_PASSWORD", secret, "GREETING", "hello \"world\" $HOME", "DEBUG", false),
                // A build that fails would print its output: make sure an env-handling failure would not leak either.
                "deploy_build_commands", List.of("test -f .env"));
        // --diff and -v show the most a user could see.
        Ansible.Result result = site.deploy("r1", vars, "--diff", "-v").assertSucceeded();

        Path env = site.deployTo.resolve("releases/r1/.env");
        assertTrue(Files.isRegularFile(env, LinkOption.NOFOLLOW_LINKS), result::describe);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        List<String> lines = Files.readAllLines(env);
        assertTrue(lines.contains("DATABASE_PASSWORD='" + secret + "'"), lines::toString);
        assertTrue(lines.contains("GREETING='hello \"world\" $HOME'"), lines::toString);
        assertTrue(lines.contains("DEBUG='false'"), lines::toString);

        assertTrue(result.output().contains("Write the env file .env"), "the env task ran: " + result.describe());
        assertFalse(result.output().contains(secret), () -> "the secret leaked into the output:\n" + result.output());

        // A new secret for the same release: the file is rewritten (changed), still never printed, even with --diff.
        String rotated = "rotated-" + UUID.randomUUID();
        Map<String, Object> rotatedVars = Map.of("deploy_env", Map.of("DATABASE_PASSWORD", rotated));
        Ansible.Result again = site.deploy("r1", rotatedVars, "--diff", "-v").assertSucceeded();
        assertTrue(again.changed("localhost") > 0, again::describe);
        assertEquals(List.of("DATABASE_PASSWORD='" + rotated + "'"), Files.readAllLines(env).subList(1, 2));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        assertFalse(again.output().contains(rotated), () -> "the secret leaked into the output:\n" + again.output());
        assertFalse(again.output().contains(secret), () -> "the old secret leaked into the output:\n" + again.output());
    }
}
