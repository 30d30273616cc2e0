package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.SentinelCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client through Sentinel: finds the primary, and after kill -9 of it, finds the promoted replica by itself. */
class SentinelConnectionTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedSubmitIsOnThePromotedReplica() throws Exception {
        try (SentinelCluster cluster = SentinelCluster.start(dir.resolve("redis"));
             Deployment deployment = new Deployment(cluster.uri("min-replicas-acked=1&replica-ack-timeout=2s"))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add(deployment.client.submit(JobSpec.commands("app-" + i % 5, dir.toString(), List.of("true")).build()));
            }
            try (var primary = SentinelCluster.direct(cluster.primary().port())) {
                assertEquals("master", primary.role().get(0), "the client writes to the primary the sentinels name");
            }
            RedisProbe.Result probe = RedisProbe.ping(cluster.uri());
            assertTrue(probe.ok() && probe.message().startsWith("Connected to " + cluster.uri() + ": PONG"), probe.message());

            long killed = System.nanoTime();
            cluster.killPrimary();
            // the same client, untouched: the pool follows the sentinels' +switch-master
            Await.until("the client reads from the new primary", Duration.ofSeconds(30), () -> {
                try {
                    return deployment.client.status(ids.get(0)) != null;
                } catch (RuntimeException stillFailingOver) {
                    return false;
                }
            });
            long millis = (System.nanoTime() - killed) / 1_000_000;
            // every sentinel names the replica once the leader's new configuration has reached it (its hello
            // messages, about every 2 s): the one asked first may still name the killed primary for a moment
            cluster.awaitReplicaPromoted(Duration.ofSeconds(30));
            for (String id : ids) {
                JobState state = deployment.client.status(id);
                assertTrue(state != null && state.status() == JobStatus.QUEUED, "acknowledged job " + id + " survived: " + state);
            }
            // the promoted replica has no replica of its own left: a submit is written but not confirmed, and says so
            NotReplicatedException unconfirmed = assertThrows(NotReplicatedException.class, () -> deployment.client.submit(
                    JobSpec.commands("app-0", dir.toString(), List.of("true")).build()));
            assertTrue(unconfirmed.getMessage().contains("only 0 of 1 required replica(s)"), unconfirmed.getMessage());
            System.out.printf("failover: client back on the new primary %d ms after kill -9 of the old one%n", millis);
        }
    }
}
