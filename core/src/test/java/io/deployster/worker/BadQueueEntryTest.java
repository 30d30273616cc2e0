package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;

/** Entries written straight into the queue, as a buggy or hostile producer would. */
class BadQueueEntryTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private void enqueue(Map<String, String> fields) {
        redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY, fields));
    }

    @Test
    void garbageEntriesFailWithAReasonAndTheWorkerKeepsServing() throws Exception {
        Path marker = dir.resolve("ran");
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            enqueue(Map.of("job", "bad-json", "spec", "{not json"));
            enqueue(Map.of("job", "bad-spec", "spec", "{\"mode\":\"rsync\",\"project\":\"my app\"}"));
            enqueue(Map.of("job", "bad-array", "spec", "[1,2,3]"));
            enqueue(Map.of("spec", "{}"));
            enqueue(Map.of("job", "evil-cd", "spec", "{\"mode\":\"commands\",\"project\":\"p\",\"cd\":\"relative\",\"commands\":[\"touch " + marker + "\"]}"));

            String good = deployment.client.submit(JobSpec.commands("p", dir.toString(), List.of("echo fine")).build());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(good).status());

            JobState json = deployment.client.await("bad-json");
            assertEquals(JobStatus.FAILED, json.status());
            assertTrue(json.reason().contains("field 'spec'"), json.reason());
            JobState spec = deployment.client.await("bad-spec");
            assertEquals(JobStatus.FAILED, spec.status());
            assertTrue(spec.reason().contains("field 'mode': value 'rsync' is not allowed; use 'commands' or 'ansible'"), spec.reason());
            assertTrue(spec.reason().contains("field 'project': value 'my app' is not allowed"), spec.reason());
            assertEquals(JobStatus.FAILED, deployment.client.await("bad-array").status());
            JobState cd = deployment.client.await("evil-cd");
            assertTrue(cd.reason().contains("field 'cd': value 'relative' is not allowed; use an absolute path"), cd.reason());
            assertTrue(Files.notExists(marker), "nothing of a rejected job may run");

            List<String> recorded = redis.client().call(j -> j.keys(Keys.defaults().jobPattern())).stream()
                    .map(Keys::tagOf).toList();
            String noId = recorded.stream().filter(k -> !List.of("bad-json", "bad-spec", "bad-array", "evil-cd", good).contains(k))
                    .findFirst().orElseThrow(() -> new AssertionError("the entry without an id must be recorded as a job"));
            JobState orphan = deployment.client.status(noId);
            assertEquals(JobStatus.FAILED, orphan.status());
            assertNotNull(orphan.reason());
            assertTrue(orphan.reason().contains("has no valid job id"), orphan.reason());
            assertEquals(0L, (long) redis.client().call(j -> j.xpending(Keys.defaults().queue("deploy"), Keys.GROUP).getTotal()),
                    "every entry is acknowledged");
        }
    }

    @Test
    void anEntryNamingAnotherProjectThanItsJobFailsAndTheProjectGoesOn() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo shop")).build());
            // the entry is replaced by one whose spec names another project, before any worker took it
            redis.client().run(j -> j.del(Keys.defaults().queue("deploy")));
            enqueue(Map.of("job", id, "spec", "{\"mode\":\"commands\",\"project\":\"other\",\"cd\":\"" + dir
                    + "\",\"commands\":[\"echo other\"]}"));
            deployment.worker("w1", 1);

            JobState forged = deployment.client.await(id);
            assertEquals(JobStatus.FAILED, forged.status());
            assertTrue(forged.reason().contains("names project 'other' but job " + id + " was submitted for project 'shop'"),
                    forged.reason());
            String next = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo next")).build());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(next).status(), "the failed job holds up no one of its project");
        }
    }
}
