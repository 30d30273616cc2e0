package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.HostProcesses;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redis-server stops and comes back (same data dir, AOF on) while jobs are queued, running and followed. */
class RedisRestartTest {
    @TempDir
    Path dir;

    private static final String[] AOF = {"--appendonly", "yes", "--appendfsync", "always"};

    @Test
    void nothingIsLostAndTheFollowerSeesEveryLineOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("redis");
        RedisServer server = RedisServer.start(data, port, AOF);
        try (Redis redis = Redis.connect(server.uri());
             Deployment deployment = new Deployment(server.uri());
             WorkerProcess worker = WorkerProcess.start(redis, dir, "w1", "--lost-after", "10s")) {
            Path go = dir.resolve("go");
            // prints 1..400, pausing once until the test has restarted Redis
            String running = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(
                    "seq 1 200; while [ ! -e " + go + " ]; do sleep 0.02; done; for i in $(seq 201 400); do echo $i; done")).build());
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(deployment.client.submit(JobSpec.commands("blog", dir.toString(), List.of("echo queued " + i)).build()));
            }
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<JobState> follower = CompletableFuture.supplyAsync(() -> {
                try {
                    return deployment.client.follow(running, LogFollower.START, e -> { if (e.isLine()) seen.add(e.text()); });
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("first 200 lines followed", Duration.ofSeconds(30), () -> seen.size() >= 200);

            server.close();
            Files.createFile(go); // the job prints the rest while Redis is down
            server = RedisServer.start(data, port, AOF);

            JobState state = follower.get();
            assertEquals(JobStatus.SUCCEEDED, state.status(), state.reason());
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 400; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, seen, "no gap and no duplicate across the restart");
            List<String> stored = deployment.client.log(running, LogFollower.START, 10_000).stream()
                    .filter(e -> e.isLine()).map(e -> e.text()).toList();
            assertEquals(expected, stored, "the job's stored log is complete too");
            for (String id : queued) {
                assertEquals(JobStatus.SUCCEEDED, deployment.client.await(id).status(), "queued job " + id + " survives the restart");
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aJobThatEndedWhileRedisWasAwayButWasSweptLostSaysHowItReallyEnded() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("redis");
        RedisServer server = RedisServer.start(data, port, AOF);
        try (Redis redis = Redis.connect(server.uri());
             Deployment deployment = new Deployment(server.uri());
             WorkerProcess runner = WorkerProcess.start(redis, dir, "runner", "--lock-ttl", "2s", "--lost-after", "10s");
             WorkerProcess sweeper = WorkerProcess.start(redis, dir, "sweeper", "--queues", "elsewhere", "--lock-ttl", "2s")) {
            Path go = dir.resolve("go");
            String job = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(
                    "echo started; while [ ! -e " + go + " ]; do sleep 0.02; done; echo done")).build());
            Await.until("job running", Duration.ofSeconds(30), () -> deployment.client.status(job).status() == JobStatus.RUNNING);

            server.close();
            Files.createFile(go); // the job ends, well within its lease, while its worker cannot record it
            Await.until("the job's processes gone", Duration.ofSeconds(30), () -> HostProcesses.ofJob(job).isEmpty());
            // the runner took the job's end at once (its lease was valid); its lease watchdog, which only hears of the end
            // once it is recorded, reports at four fifths of the lease, which therefore ran out unrenewed by now
            Await.until("the runner's watchdog deadline passed", Duration.ofSeconds(30),
                    () -> runner.output().contains("job " + job + " of project shop: the lease watchdog killed"));
            runner.signal("STOP"); // so that the sweep, not the runner's record, is first once Redis is back
            server = RedisServer.start(data, port, AOF);
            Deployment after = new Deployment(server.uri());
            try {
                JobState lost = after.client.await(job);
                assertEquals(JobStatus.LOST, lost.status(), lost.reason());
                runner.signal("CONT");
                Await.until("the runner's late end recorded in the reason", Duration.ofSeconds(30),
                        () -> after.client.status(job).reason().startsWith("worker runner reported"));
                String reason = after.client.status(job).reason();
                assertEquals(JobStatus.LOST, after.client.status(job).status(), "an ended job's state never changes");
                assertTrue(reason.contains("the job had ended before its lease ran out: succeeded, exit code 0. It was not stopped part-way"),
                        reason);
                assertTrue(reason.contains("Marked lost: the lease of this job"), reason);
            } finally {
                after.close();
            }
        } finally {
            server.close();
        }
    }
}
