package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ShutdownAndRetentionTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void sigtermLetsTheRunningJobFinishAndTakesNoNewOne() throws Exception {
        Path go = dir.resolve("go");
        try (Deployment deployment = new Deployment(redis.uri());
             WorkerProcess worker = WorkerProcess.start(redis.client(), dir, "w1", "--shutdown-grace", "60s")) {
            String running = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of("while [ ! -e " + go + " ]; do sleep 0.02; done; echo finished")).build());
            Await.until("running", Duration.ofSeconds(30), () -> deployment.client.status(running).status() == JobStatus.RUNNING);

            worker.signal("TERM");
            Await.until("the worker acknowledged the shutdown", Duration.ofSeconds(30), () -> worker.output().contains("shutdown requested"));
            String later = deployment.client.submit(JobSpec.commands("blog", dir.toString(), List.of("echo later")).build());
            Files.createFile(go);
            assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());

            assertEquals(JobStatus.SUCCEEDED, deployment.client.status(running).status());
            assertEquals(JobStatus.QUEUED, deployment.client.status(later).status(), "a stopping worker takes no new job");
            assertTrue(worker.output().contains("worker w1 stopped"), worker.output());
        }
    }

    @Test
    void sigtermCancelsJobsStillRunningAfterTheGracePeriod() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri());
             WorkerProcess worker = WorkerProcess.start(redis.client(), dir, "w1", "--shutdown-grace", "500ms", "--kill-grace", "1s")) {
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("sleep 300")).build());
            Await.until("running", Duration.ofSeconds(30), () -> deployment.client.status(id).status() == JobStatus.RUNNING);

            worker.signal("TERM");
            assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
            JobState state = deployment.client.status(id);
            assertEquals(JobStatus.CANCELLED, state.status());
            assertEquals("worker w1 shut down before the job ended", state.reason());
        }
    }

    @Test
    void aSecondSigtermCancelsTheRunningJobsAtOnceInsteadOfWaitingOutTheGrace() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri());
             WorkerProcess worker = WorkerProcess.start(redis.client(), dir, "w1", "--shutdown-grace", "10m", "--kill-grace", "1s")) {
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("sleep 300")).build());
            Await.until("running", Duration.ofSeconds(30), () -> deployment.client.status(id).status() == JobStatus.RUNNING);

            worker.signal("TERM");
            Await.until("the worker acknowledged the shutdown", Duration.ofSeconds(30), () -> worker.output().contains("shutdown requested"));
            worker.signal("TERM");
            assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
            assertTrue(worker.output().contains("second stop request (SIGTERM); cancelling its 1 running job(s) now"), worker.output());
            JobState state = deployment.client.status(id);
            assertEquals(JobStatus.CANCELLED, state.status());
            assertEquals("worker w1 shut down before the job ended (a second stop request cut its shutdown grace short)", state.reason());
        }
    }

    @Test
    void finishedJobsExpireAfterTheRetentionSoRedisDoesNotGrow() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri());
             WorkerProcess worker = WorkerProcess.start(redis.client(), dir, "w1", "--retention", "2s", "--concurrency", "4",
                     "--history-limit", "5")) {
            long before = usedMemory();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ids.add(deployment.client.submit(JobSpec.commands("p" + (i % 10), dir.toString(), List.of("echo job " + i)).build()));
            }
            for (String id : ids) {
                assertEquals(JobStatus.SUCCEEDED, deployment.client.await(id).status());
            }
            Await.until("every job's keys expired", Duration.ofSeconds(60), () -> redis.client().call(j ->
                    j.keys(Keys.defaults().jobPattern()).isEmpty() && j.keys(Keys.defaults().log("*")).isEmpty()));
            assertEquals(0L, (long) redis.client().call(j -> j.xlen(Keys.defaults().queue("deploy"))), "acted-on queue entries are removed");
            List<String> left = new ArrayList<>(redis.client().call(j -> j.keys("deployster:*")));
            left.removeAll(List.of(Keys.defaults().queue("deploy"), Keys.defaults().worker("w1")));
            // a project's fencing token must never go back, so its counter stays: one small key per project
            List<String> counters = new ArrayList<>();
            for (int p = 0; p < 10; p++) {
                counters.add(Keys.defaults().fence("p" + p));
            }
            assertTrue(left.containsAll(counters), "each project keeps its fencing counter: " + left);
            left.removeAll(counters);
            // and its history, capped at the last --history-limit deploys; the fleet keeps its workers and submit counts
            for (int p = 0; p < 10; p++) {
                String history = Keys.defaults().history("p" + p);
                assertEquals(5L, (long) redis.client().call(j -> j.llen(history)), history);
                assertTrue(left.remove(history), history + " in " + left);
            }
            assertTrue(left.remove(Keys.defaults().workers()) && left.remove(Keys.defaults().submitted()), left.toString());
            assertTrue(left.remove(Keys.defaults().protocol()), "the namespace records its protocol version: " + left);
            assertEquals(List.of(), left, "nothing else of 300 jobs is left");
            long after = usedMemory();
            assertTrue(after - before < 512 * 1024, "memory grew by " + (after - before) + " bytes over 300 expired jobs");
        }
    }

    private long usedMemory() {
        String info = redis.client().call(j -> j.info("memory"));
        return info.lines().filter(l -> l.startsWith("used_memory:")).mapToLong(l -> Long.parseLong(l.substring(12).trim())).findFirst().orElseThrow();
    }
}
