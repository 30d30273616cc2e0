package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.redis.RedisServer;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deployster logs --follow} while its Redis stops and comes back: the person watching is told what happened and what to check. */
class LogsFollowOutageTest {
    private static final String[] AOF = {"--appendonly", "yes", "--appendfsync", "always"};

    @TempDir
    Path dir;

    @Test
    void aFollowerWhoseRedisStopsIsToldWhichServerAndWhatToCheckThenGoesOn() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("redis");
        RedisServer server = RedisServer.start(data, port, AOF);
        String uri = server.uri();
        try (Deployment deployment = new Deployment(uri)) {
            // no worker: the job stays queued, and the follower waits for its log to go on
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).build());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> logs = CompletableFuture.supplyAsync(() -> Main.run(
                    new String[] {"logs", "--redis", uri, "--follow", id}, new PrintWriter(out, true), new PrintWriter(err, true)));
            Await.until("the follower printed the 'queued' entry", Duration.ofSeconds(30), () -> err.toString().contains("queued on 'deploy'"));

            server.close();
            // the follower's read ends first ("closed the connection"), then each retry is refused: told once
            String unreachable = "[deployster] note: job " + id + ": cannot reach Redis at redis://127.0.0.1:" + port
                    + " (the server closed the connection); check that the server is up";
            Await.until("the follower said Redis is unreachable", Duration.ofSeconds(30), () -> err.toString().contains(unreachable));
            assertFalse(logs.isDone(), "the follower waits for Redis instead of giving up: " + err);

            server = RedisServer.start(data, port, AOF);
            Await.until("the follower said Redis is back", Duration.ofSeconds(30),
                    () -> err.toString().contains("[deployster] note: Redis at redis://127.0.0.1:" + port + " answers again; following job " + id));
            assertEquals(ExitCodes.SUCCEEDED, Main.run(new String[] {"cancel", "--redis", uri, id}, new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter())), "a cancel from another shell");
            assertEquals(ExitCodes.CANCELLED, logs.get(30, TimeUnit.SECONDS), err.toString());

            String said = err.toString();
            assertEquals(1, said.split("cannot reach Redis", -1).length - 1, "one note per outage, not one per retry: " + said);
            for (String internal : List.of("Jedis", "redis.clients", "Exception")) {
                assertFalse(said.contains(internal), "'" + internal + "' in what the user read: " + said);
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aFollowerWhoseRedisComesBackEmptyIsNotToldToCheckTheId() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = RedisServer.start(dir.resolve("redis"), port);
        String uri = server.uri();
        try (Deployment deployment = new Deployment(uri)) {
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).build());
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> logs = CompletableFuture.supplyAsync(() -> Main.run(
                    new String[] {"logs", "--redis", uri, "--follow", id}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
            Await.until("the follower printed the 'queued' entry", Duration.ofSeconds(30), () -> err.toString().contains("queued on 'deploy'"));

            server.close();
            server = RedisServer.start(dir.resolve("empty"), port); // no persistence: it comes back without the job
            assertEquals(ExitCodes.NO_SUCH_JOB, logs.get(60, TimeUnit.SECONDS), err.toString());
            assertFalse(err.toString().contains("check the id"), err.toString());
            assertTrue(err.toString().contains("job '" + id + "' is no longer in Redis, though it was there when following began"),
                    err.toString());
        } finally {
            server.close();
        }
    }
}
