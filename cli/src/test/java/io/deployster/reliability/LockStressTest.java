package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hundreds of short and long jobs over several projects and three worker processes, with a 4 s lease. */
// alone: its worker JVMs must not compete for the CPU with another class's, or a starved worker fences its job
@Isolated
class LockStressTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void noTwoJobsOfOneProjectEverOverlap() throws Exception {
        List<WorkerProcess> workers = new ArrayList<>();
        try (Deployment deployment = new Deployment(redis.uri())) {
            for (int w = 1; w <= 3; w++) {
                workers.add(WorkerProcess.start(redis.client(), dir, "w" + w, "--concurrency", "4", "--lock-ttl", "4s"));
            }
            Path overlaps = dir.resolve("overlaps");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                String project = "p" + (i % 4);
                Path inside = dir.resolve(project + ".inside");
                String work = i % 60 < 2 ? "sleep 8.5" : "sleep 0.01"; // two jobs per project outlive 2 leases
                ids.add(deployment.client.submit(JobSpec.commands(project, dir.toString(), List.of(
                        "mkdir " + inside + " || { echo " + project + " >> " + overlaps + "; exit 99; }; " + work + "; rmdir " + inside)).build()));
            }
            int fenced = 0;
            for (String id : ids) {
                JobState state = deployment.client.await(id);
                assertEquals(JobStatus.SUCCEEDED, state.status(), "job " + id + ": " + state.reason());
                fenced += (int) deployment.client.log(id, LogFollower.START, 1000).stream()
                        .filter(e -> "fenced".equals(e.event())).count();
            }
            assertTrue(Files.notExists(overlaps), "overlapping jobs recorded");
            assertEquals(0, fenced, "a live worker never loses a lease");
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
        }
    }
}
