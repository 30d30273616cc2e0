package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DEPLOYSTER_* variables a job sees are those its worker sets (DEPLOYSTER_FENCING_TOKEN,
 * DEPLOYSTER_OUTPUT, ...): a job's env or secret env naming one would replace the worker's value (a
 * forged fencing token, outputs written where the worker never reads them). Such a job is refused at
 * submit, naming the field and the variable, and nothing is written to Redis.
 */
class ReservedEnvNamesTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private CliTest.Run submit(String... extra) throws Exception {
        Path keys = dir.resolve("keys");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "k1:" + Base64.getEncoder().encodeToString(secret) + "\n");
        List<String> args = new ArrayList<>(List.of("submit", "--redis", redis.uri(), "--keys-file", keys.toString(),
                "--project", "shop", "--cd", dir.toString(), "--no-follow", "--command", "true"));
        args.addAll(List.of(extra));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void anEnvNamingAVariableTheWorkerSetsIsRefusedAtSubmit() throws Exception {
        CliTest.Run env = submit("--env", "DEPLOYSTER_FENCING_TOKEN=999");
        assertEquals(ExitCodes.USAGE, env.exit(), env.err());
        assertTrue(env.err().contains("field 'env': value 'DEPLOYSTER_FENCING_TOKEN' is not allowed; names starting with DEPLOYSTER_"),
                env.err());

        CliTest.Run secret = submit("--secret-env", "DEPLOYSTER_OUTPUT=/tmp/elsewhere");
        assertEquals(ExitCodes.USAGE, secret.exit(), secret.err());
        assertTrue(secret.err().contains("field 'secretEnv': value 'DEPLOYSTER_OUTPUT' is not allowed; names starting with DEPLOYSTER_"),
                secret.err());
        assertTrue(!secret.err().contains("/tmp/elsewhere"), "the secret's value is never shown: " + secret.err());

        assertEquals(Set.of(), redis.client().call(j -> j.keys("deployster:job:*")), "nothing half-written in Redis");
    }
}
