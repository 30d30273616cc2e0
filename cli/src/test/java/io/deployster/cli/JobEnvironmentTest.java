package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import io.deployster.reliability.WorkerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker configured as packaging/systemd/worker.env configures it, through DEPLOYSTER_* variables
 * holding the Redis password and the signing key: none of that reaches its jobs or their logs.
 */
class JobEnvironmentTest {
    private static final String PASSWORD = "RedisPw-Secret9";

    @TempDir
    static Path dir;

    private static RedisServer server;
    private static Redis redis;
    private static WorkerProcess worker;
    private static String uri;
    private static String key;
    private static Path keysFile;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServer.start(dir.resolve("redis"), "--requirepass", PASSWORD);
        uri = "redis://:" + PASSWORD + "@127.0.0.1:" + server.port();
        redis = Redis.connect(uri);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        key = Base64.getEncoder().encodeToString(secret);
        keysFile = dir.resolve("keys");
        Files.writeString(keysFile, "prod:" + key + "\n");
        worker = WorkerProcess.start(redis, dir, "env-worker", Map.of(
                "DEPLOYSTER_REDIS", uri,
                "DEPLOYSTER_KEYS", "prod:" + key,
                "DEPLOYSTER_KEYS_FILE", keysFile.toString(),
                "DEPLOYSTER_REPLICA_ACK_TIMEOUT", "500ms",
                "DEPLOYSTER_WORKER_OPTIONS", "--queues deploy --concurrency 1",
                "DEPLOYSTER_INSTANCE_OPTIONS", "--metrics-listen 127.0.0.1:9465",
                "DEPLOYSTER_JAVA_OPTS", "-Xmx128m"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private record Run(int exit, List<String> out, String err) {
    }

    private static Run submit(String... commands) {
        List<String> args = new ArrayList<>(List.of("submit", "--redis", uri, "--keys-file", keysFile.toString(),
                "--project", "shop", "--cd", dir.toString(), "--ref", "v1"));
        for (String command : commands) {
            args.addAll(List.of("--command", command));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString().lines().toList(), err.toString());
    }

    // the job's log as stored in Redis, every field of every entry: what any log reader gets
    private static String storedLog(String id) {
        return redis.call(j -> j.xrange(Keys.defaults().log(id), "-", "+").stream().map(e -> e.getFields().toString()).toList()).toString();
    }

    private static void assertNoWorkerSecret(Run run) {
        String id = run.out().get(0);
        String all = run.out() + run.err() + storedLog(id);
        assertFalse(all.contains(PASSWORD), "the Redis password shows: " + all);
        assertFalse(all.contains(key), "the signing key shows: " + all);
    }

    @Test
    void aJobGetsTheVariablesDeploysterSetsForItButNoneOfTheWorkersSettings() {
        Run run = submit("env | grep DEPLOYSTER_ | sort", "echo \"HOME=$HOME\"; echo \"PATH=$PATH\"");
        assertEquals(ExitCodes.SUCCEEDED, run.exit(), run.err());
        List<String> names = run.out().stream().skip(1).filter(l -> l.startsWith("DEPLOYSTER_")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertEquals(List.of("DEPLOYSTER_FENCING_TOKEN", "DEPLOYSTER_JOB_ID", "DEPLOYSTER_OUTPUT", "DEPLOYSTER_PROJECT", "DEPLOYSTER_REF"),
                names, String.join("\n", run.out()));
        assertTrue(run.out().contains("DEPLOYSTER_JOB_ID=" + run.out().get(0)), String.join("\n", run.out()));
        assertTrue(run.out().contains("DEPLOYSTER_REF=v1"), String.join("\n", run.out()));
        assertTrue(run.out().contains("HOME=" + System.getenv("HOME")), String.join("\n", run.out()));
        assertTrue(run.out().contains("PATH=" + System.getenv("PATH")), String.join("\n", run.out()));
        assertNoWorkerSecret(run);
    }

    @Test
    void theWorkersPasswordAndKeysAreMaskedWhenAJobReadsThemElsewhere() {
        // a job runs as the worker's user: it can still read the keys file and the worker's own environment
        Run run = submit("cat keys", "tr '\\0' '\\n' < /proc/$PPID/environ | grep -E '^DEPLOYSTER_(REDIS|KEYS)=' | sort");
        assertEquals(ExitCodes.SUCCEEDED, run.exit(), run.err());
        assertEquals(List.of("prod:****", "DEPLOYSTER_KEYS=prod:****", "DEPLOYSTER_REDIS=redis://:****@127.0.0.1:" + server.port()),
                run.out().subList(1, run.out().size()));
        assertNoWorkerSecret(run);
    }
}
