package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.HostProcesses;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel that arrives while the job's command is being started (the moment a user presses stop right
 * after a deploy began) still stops it: a command not yet in its own session is found all the same.
 */
class StopRaceTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void aCancelAtTheStartOfACommandStopsIt() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 4);
            for (int i = 0; i < 12; i++) {
                Path ranToEnd = dir.resolve("ran-" + i);
                String id = deployment.client.submit(JobSpec.commands("race-" + i, dir.toString(),
                        List.of("sleep 20; touch " + ranToEnd)).build());
                Await.until("job " + i + " running", Duration.ofSeconds(20),
                        () -> deployment.client.status(id).status() == JobStatus.RUNNING);
                deployment.client.cancel(id, "pressed stop at once");
                assertEquals(JobStatus.CANCELLED, deployment.client.await(id).status());
                assertEquals(List.of(), HostProcesses.ofJob(id), "nothing of job " + i + " left");
                assertFalse(Files.exists(ranToEnd), "job " + i + " was stopped, not run to its end");
            }
        }
    }
}
