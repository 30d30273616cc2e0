package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.job.SpecDecodingFuzzTest;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;

/** Malformed specs written straight into a queue each end once, as failed with the field named, and never loop. */
class PoisonEntryTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void everyMalformedEntryEndsExactlyOnceAndTheWorkerKeepsServing() throws Exception {
        Keys keys = Keys.defaults();
        List<String> corpus = SpecDecodingFuzzTest.corpus();
        try (Deployment d = new Deployment(redis.uri())) {
            // a short claim-idle: an entry left pending would be claimed again, and again, within the test
            d.worker(WorkerOptions.defaults(List.of("deploy")).withName("w1").withConcurrency(2).withClaimIdle(Duration.ofMillis(300)), null);
            for (int i = 0; i < corpus.size(); i++) {
                String id = "poison-" + i;
                String spec = corpus.get(i);
                redis.client().run(j -> j.xadd(keys.queue("deploy"), StreamEntryID.NEW_ENTRY, Map.of("job", id, "spec", spec)));
            }
            for (int i = 0; i < corpus.size(); i++) {
                String id = "poison-" + i;
                Await.until("job " + id + " recorded", Duration.ofSeconds(30), () -> d.client.status(id) != null);
                JobState state = d.client.await(id);
                assertEquals(JobStatus.FAILED, state.status(), id + ": " + state.reason());
                assertTrue(state.reason().contains("field '"), id + ": " + state.reason());
            }
            String valid = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo still here")).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(valid).status(), "the worker still serves valid jobs");
            assertEquals(0L, (long) redis.client().call(j -> j.xpending(keys.queue("deploy"), Keys.GROUP).getTotal()), "no entry left pending");
            for (int i = 0; i < corpus.size(); i++) {
                String id = "poison-" + i;
                long finished = redis.client().call(j -> j.xrange(keys.log(id), "-", "+")).stream()
                        .filter(e -> "finished".equals(e.getFields().get("e"))).count();
                assertEquals(1, finished, id + " ended more than once");
            }
        }
    }
}
