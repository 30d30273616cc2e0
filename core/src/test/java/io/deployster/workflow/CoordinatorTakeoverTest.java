package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A workflow whose coordinator dies: a live worker's coordinator carries it on, and says so. */
class CoordinatorTakeoverTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @TempDir
    Path dir;

    @Test
    void aCoordinatorKilledInTheMiddleOfAStepNeitherLosesTheWorkflowNorStaysNamedAsItsWorker() throws Exception {
        QueueSettings shortLease = new QueueSettings(Duration.ofSeconds(2), QueueSettings.DEFAULT.logMaxLen(), QueueSettings.DEFAULT.retention());
        Path go = dir.resolve("go");
        try (Deployment deployment = new Deployment(redis.uri(), shortLease); Redis doomedRedis = Redis.connect(redis.uri())) {
            String id = deployment.client.submitWorkflow(new WorkflowParser().parse("""
                    project: takeover
                    defaults: {cd: %s, queue: k9}
                    tasks:
                      deploy: {commands: ["while [ ! -e %s ]; do sleep 0.05; done"]}
                    """.formatted(dir, go)));
            // a coordinator of a worker that is gone (it never sent a heartbeat) starts the workflow, then
            // dies right after taking the right to drive its next step: the right is never given back
            WorkflowStore store = new WorkflowStore(doomedRedis, JobQueue.create(doomedRedis, Keys.defaults(), shortLease, null), Clock.systemUTC());
            WorkflowCoordinator doomed = new WorkflowCoordinator(store, new WorkflowEngine(store, "doomed", ended -> { }), "doomed",
                    shortLease.lockTtl());
            doomed.tick();
            assertEquals("doomed", deployment.client.status(id).worker());
            assertTrue(doomed.drive(id));

            // no task runs yet (nobody serves k9), so only coordinators renew the project's lease: with a
            // driver right longer than the 2 s lease the workflow ended lost before another could renew it
            deployment.worker("survivor", 1, "elsewhere");
            Await.until("the survivor named as the workflow's worker", Duration.ofSeconds(30),
                    () -> "survivor".equals(deployment.client.status(id).worker()));
            deployment.worker("runner", 1, "k9");
            Files.createFile(go);
            JobState end = deployment.client.await(id);
            assertEquals(JobStatus.SUCCEEDED, end.status(), end.reason());
            assertEquals("survivor", end.worker());
            String log = deployment.client.log(id, "0-0", 10_000).toString();
            assertTrue(log.contains("worker doomed stopped (its heartbeat expired); worker survivor drives the workflow now"), log);
        }
    }
}
