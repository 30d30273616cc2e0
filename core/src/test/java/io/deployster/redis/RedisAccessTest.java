package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.ops.DeployHistory;
import io.deployster.ops.JobsView;
import io.deployster.ops.ProjectsView;
import io.deployster.ops.QueueInfo;
import io.deployster.ops.QueuesView;
import io.deployster.ops.WorkersView;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password, ACL users and TLS with a private CA, against real redis-servers configured for them. */
class RedisAccessTest {
    @TempDir
    Path dir;

    /** Runs a job end to end: a worker on {@code workerRedis}, a client on {@code clientRedis}. */
    private JobState runJob(Redis clientRedis, Redis workerRedis) throws Exception {
        Keys keys = Keys.defaults();
        JobSpecValidator validator = new JobSpecValidator(JobLimits.DEFAULT);
        try (Worker worker = new Worker(workerRedis, new JobQueue(workerRedis, keys, QueueSettings.DEFAULT, validator, Clock.systemUTC()),
                WorkerOptions.defaults(List.of("deploy")).withName("acl-worker"))) {
            worker.start();
            DeploysterClient client = new DeploysterClient(clientRedis,
                    new JobQueue(clientRedis, keys, QueueSettings.DEFAULT, validator, Clock.systemUTC()), new LogFollower(clientRedis, keys));
            String id = client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo over a guarded connection")).build());
            List<String> lines = new ArrayList<>();
            JobState state = client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });
            assertEquals(List.of("over a guarded connection"), lines);
            return state;
        }
    }

    @Test
    void theDocumentedLeastPrivilegeAclUsersCanDoTheirJobAndNoMore() throws Exception {
        Path acl = dir.resolve("users.acl");
        List<String> users = Files.readAllLines(Path.of("../docs/redis-acl.example")).stream()
                .filter(l -> l.startsWith("user ")).toList();
        Files.write(acl, users);
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--aclfile", acl.toString());
             Redis producer = Redis.connect("redis://deployster-producer:change-me-producer@127.0.0.1:" + server.port());
             Redis worker = Redis.connect("redis://deployster-worker:change-me-worker@127.0.0.1:" + server.port())) {
            assertEquals(JobStatus.SUCCEEDED, runJob(producer, worker).status());
            RedisCommandException denied = assertThrows(RedisCommandException.class, () -> producer.run(j -> j.flushAll()));
            assertTrue(denied.redisError().startsWith("NOPERM"), denied.getMessage());
            assertThrows(RedisCommandException.class, () -> producer.run(j -> j.get("other-app:key")));
            RedisCommandException wrongPassword = assertThrows(RedisCommandException.class,
                    () -> Redis.connect("redis://deployster-producer:wrong@127.0.0.1:" + server.port()).run(j -> j.ping()));
            assertTrue(wrongPassword.redisError().startsWith("WRONGPASS"), wrongPassword.getMessage());
            assertFalse(wrongPassword.getMessage().contains(":wrong@"), "the URI in the message has no password: " + wrongPassword.getMessage());
            try (Redis viewer = Redis.connect("redis://deployster-viewer:change-me-viewer@127.0.0.1:" + server.port())) {
                Keys keys = Keys.defaults();
                WorkersView workers = new WorkersView(viewer, keys, Clock.systemUTC());
                assertEquals(List.of("deploy"), new QueuesView(viewer, keys, workers).list().stream().map(QueueInfo::name).toList());
                assertEquals(1, new JobsView(viewer, keys).list(new JobsView.Filter("shop", null, 10)).size());
                assertEquals(1, new ProjectsView(viewer, keys).get("shop").fencingToken());
                assertEquals(JobStatus.SUCCEEDED, new DeployHistory(viewer, keys).last("shop", 10).get(0).status());
                assertTrue(workers.list().isEmpty(), "the worker stopped cleanly");
                RedisCommandException readOnly = assertThrows(RedisCommandException.class, () -> viewer.run(j -> j.hset(keys.job("x"), "a", "b")));
                assertTrue(readOnly.getMessage().contains("NOPERM"), readOnly.getMessage());
            }
        }
    }

    @Test
    void aPasswordProtectedRedisNeedsThePassword() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--requirepass", "pw-for-test");
             Redis good = Redis.connect("redis://:pw-for-test@127.0.0.1:" + server.port())) {
            assertEquals(JobStatus.SUCCEEDED, runJob(good, good).status());
            RedisCommandException noAuth = assertThrows(RedisCommandException.class,
                    () -> Redis.connect("redis://127.0.0.1:" + server.port()).run(j -> j.ping()));
            assertTrue(noAuth.getMessage().contains("NOAUTH"), noAuth.getMessage());
        }
    }

    @Test
    void tlsWithAPrivateCaIsVerified() throws Exception {
        Path ca = certificates();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] tls = {"--tls-port", Integer.toString(port), "--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(), "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"};
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), tls);
             Redis secure = new Redis(RedisUri.parse("rediss://127.0.0.1:" + port), 8, ca)) {
            assertEquals(JobStatus.SUCCEEDED, runJob(secure, secure).status());
            // without our CA the server's certificate is not trusted
            RedisUnavailableException untrusted = assertThrows(RedisUnavailableException.class,
                    () -> new Redis(RedisUri.parse("rediss://127.0.0.1:" + port), 1, null).run(j -> j.ping()));
            assertTrue(untrusted.getMessage().startsWith("cannot reach Redis at rediss://127.0.0.1:" + port + " (TLS failed: "), untrusted.getMessage());
        }
    }

    private Path certificates() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=deployster-test-ca");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                "-days", "2", "-extfile", "san.ext");
        return dir.resolve("ca.crt");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
    }
}
