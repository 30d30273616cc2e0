package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.HostProcesses;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProjectLockTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    /** Entering job fails if another job of the project is inside: mkdir is atomic. */
    private static String exclusive(Path inside, String body) {
        return "mkdir " + inside + " || { echo OVERLAP; exit 99; }; " + body + "; rmdir " + inside;
    }

    @Test
    void jobsOfOneProjectNeverOverlapAcrossWorkers() throws Exception {
        Path inside = dir.resolve("inside");
        try (Deployment deployment = new Deployment(redis.uri())) {
            for (int w = 1; w <= 3; w++) {
                deployment.worker("w" + w, 4);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                        List.of(exclusive(inside, "sleep 0.01"))).build()));
            }
            int waited = 0;
            for (String id : ids) {
                JobState state = deployment.client.await(id);
                assertEquals(JobStatus.SUCCEEDED, state.status(), "job " + id + ": " + state.reason());
                if (deployment.client.log(id, LogFollower.START, 100).stream().anyMatch(e -> "waiting".equals(e.event()))) {
                    waited++;
                }
            }
            assertTrue(waited > 0, "with 12 slots and one project, some jobs must have waited for the lock");
        }
    }

    @Test
    void jobsOfDifferentProjectsRunAtTheSameTime() throws Exception {
        // each job waits until the other has started: both succeed only if they overlap
        String a = "touch " + dir.resolve("a") + "; for i in $(seq 1 200); do [ -e " + dir.resolve("b") + " ] && exit 0; sleep 0.05; done; exit 1";
        String b = "touch " + dir.resolve("b") + "; for i in $(seq 1 200); do [ -e " + dir.resolve("a") + " ] && exit 0; sleep 0.05; done; exit 1";
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 2);
            String first = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(a)).build());
            String second = deployment.client.submit(JobSpec.commands("blog", dir.toString(), List.of(b)).build());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(first).status());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(second).status());
        }
    }

    @Test
    void aWaitingJobSaysWhomItWaitsForAndStartsWhenTheHolderEnds() throws Exception {
        Path release = dir.resolve("release");
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 2);
            String holder = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of("while [ ! -e " + release + " ]; do sleep 0.02; done")).submittedBy("build #1").build());
            Await.until("first job running", Duration.ofSeconds(20),
                    () -> deployment.client.status(holder).status() == JobStatus.RUNNING);
            String waiter = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo second")).build());
            Await.until("second job waiting", Duration.ofSeconds(20),
                    () -> deployment.client.status(waiter).status() == JobStatus.WAITING);
            JobState waiting = deployment.client.status(waiter);
            assertEquals(holder, waiting.waitingBehind());
            LogEntry event = deployment.client.log(waiter, LogFollower.START, 10).stream()
                    .filter(e -> "waiting".equals(e.event())).findFirst().orElseThrow();
            assertEquals(holder, event.field("behind"));
            assertEquals("build #1", event.field("behindSubmittedBy"));

            Files.createFile(release);
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(holder).status());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(waiter).status());
            assertTrue(deployment.client.status(waiter).startedAt().compareTo(deployment.client.status(holder).endedAt()) >= 0);
        }
    }

    @Test
    void aDeployLongerThanTheLockTtlKeepsTheLock() throws Exception {
        Path inside = dir.resolve("inside");
        QueueSettings shortTtl = QueueSettings.DEFAULT.withLockTtl(Duration.ofSeconds(2));
        try (Deployment deployment = new Deployment(redis.uri(), shortTtl)) {
            deployment.worker("w1", 2);
            deployment.worker("w2", 2);
            String longJob = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of(exclusive(inside, "sleep 4.5"))).build()); // more than 2 leases
            Await.until("long job running", Duration.ofSeconds(20),
                    () -> deployment.client.status(longJob).status() == JobStatus.RUNNING);
            String next = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(exclusive(inside, "true"))).build());

            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(longJob).status());
            JobState second = deployment.client.await(next);
            assertEquals(JobStatus.SUCCEEDED, second.status(), second.reason());
            assertEquals(longJob, second.waitingBehind() == null ? longJob : second.waitingBehind());
            assertTrue(deployment.client.log(longJob, LogFollower.START, 100).stream()
                    .noneMatch(e -> "fenced".equals(e.event())), "the lease must be renewed, never lost");
        }
    }

    @Test
    void aJobWhoseLockWasGrantedToAnotherJobIsFencedAtOnce() throws Exception {
        Path marks = dir.resolve("marks");
        try (Deployment deployment = new Deployment(redis.uri(), QueueSettings.DEFAULT.withLockTtl(Duration.ofSeconds(5)))) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of("trap '' TERM; while true; do echo x >> " + marks + "; sleep 0.05; done")).build());
            Await.until("running", Duration.ofSeconds(20), () -> Files.exists(marks));

            // as if the lease had run out during a stall and the next deploy had been granted the lock
            redis.client().run(j -> {
                j.set(Keys.defaults().lock("shop"), "20990101-000000-othrjob1");
                j.incr(Keys.defaults().fence("shop"));
            });
            JobState state = deployment.client.await(id);
            assertEquals(JobStatus.LOST, state.status());
            assertTrue(state.reason().contains("another job of project shop was granted its lock"), state.reason());
            assertTrue(deployment.client.log(id, LogFollower.START, 100_000).stream()
                    .anyMatch(e -> "fenced".equals(e.event())), "the log says the job was fenced");
            assertEquals(List.of(), HostProcesses.ofJob(id), "no process of the fenced job is left once it is recorded lost");
        }
    }
}
