package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that asks for a replica's confirmation but has none: what the producer and the worker see.
 * (With replicas, SentinelFailoverTest shows the confirmed writes surviving a failover.)
 */
class DurabilityTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @TempDir
    Path dir;

    @Test
    void anUnconfirmedSubmitFailsNamingTheJobWhichTheWorkerStillRunsOnce() throws Exception {
        String uri = redis.uri() + "?min-replicas-acked=1&replica-ack-timeout=50ms";
        try (Deployment deployment = new Deployment(uri)) {
            NotReplicatedException e = assertThrows(NotReplicatedException.class, () -> deployment.client.submit(
                    JobSpec.commands("shop", dir.toString(), List.of("echo ran")).build()));
            assertTrue(e.getMessage().contains("only 0 of 1 required replica(s) confirmed it within 50 ms"), e.getMessage());
            Matcher id = Pattern.compile("job (\\S+) \\(submitted; see its state with 'deployster status \\1'").matcher(e.getMessage());
            assertTrue(id.find(), e.getMessage());
            assertEquals(JobStatus.QUEUED, deployment.client.status(id.group(1)).status(),
                    "the primary has the job: the user can look it up instead of submitting it twice");

            // a worker cannot take back a start or an end: it warns and goes on, so the job runs once
            deployment.worker("w1", 1);
            JobState state = deployment.client.await(id.group(1));
            assertEquals(JobStatus.SUCCEEDED, state.status(), state.reason());
            List<String> lines = deployment.client.log(id.group(1), "0-0", 100).stream()
                    .filter(l -> l.isLine()).map(l -> l.text()).toList();
            assertEquals(List.of("ran"), lines);
        }
    }

    @Test
    void withoutDurabilityNothingWaits() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).build());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(id).status());
        }
    }
}
