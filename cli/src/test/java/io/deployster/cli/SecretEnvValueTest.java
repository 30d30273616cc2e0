package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret env value that the job's .env cannot carry (as an --env value with it is refused) is refused at
 * submit, naming the variable and never its value, with nothing written to Redis: queued, it would wait
 * its turn and then fail on the worker ("could not write DIR/.env").
 */
class SecretEnvValueTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void aSecretValueGivenOnTheCommandLineIsWarnedAboutWithoutShowingIt() throws Exception {
        Path keys = dir.resolve("keys");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "k1:" + Base64.getEncoder().encodeToString(secret) + "\n");
        CliTest.Run run = CliTest.run("submit", "--redis", redis.uri(), "--keys-file", keys.toString(), "--project", "shop",
                "--cd", dir.toString(), "--no-follow", "--command", "true", "--secret-env", "DB_PASSWORD=Value-On-Argv-7");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("deployster: warning: --secret-env DB_PASSWORD=VALUE puts the secret on this command line, "
                + "where ps shows it to every user of this host"), run.err());
        assertTrue(run.err().contains("export DB_PASSWORD and give --secret-env DB_PASSWORD instead"), run.err());
        assertFalse(run.err().contains("Value-On-Argv-7"), "the value is never shown: " + run.err());
    }

    @Test
    void aSecretTheDotEnvCannotCarryIsRefusedAtSubmitWithoutShowingIt() throws Exception {
        Path keys = dir.resolve("keys");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "k1:" + Base64.getEncoder().encodeToString(secret) + "\n");
        String value = "it's $HOME-Secret9";
        CliTest.Run run = CliTest.run("submit", "--redis", redis.uri(), "--keys-file", keys.toString(), "--project", "shop",
                "--cd", dir.toString(), "--no-follow", "--command", "true", "--secret-env", "DB_PASSWORD=" + value);
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains("secret 'DB_PASSWORD' cannot be written to the job's .env"), run.err());
        assertFalse(run.err().contains("Secret9"), "the value is never shown: " + run.err());
        assertEquals(Set.of(), redis.client().call(j -> j.keys("deployster:*")).stream()
                .filter(k -> k.startsWith("deployster:job:") || k.startsWith("deployster:queue:")).collect(Collectors.toSet()),
                "nothing written to Redis");
    }
}
