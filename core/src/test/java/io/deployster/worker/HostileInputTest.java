package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

/** Thousands of malformed, oversized, mutated and forged entries written straight into the queue. */
class HostileInputTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void nothingHostileRunsAndTheWorkerKeepsServing() throws Exception {
        JobSigner keys = new JobSigner(KeyRing.parse(SecurityEndToEndTest.KEY, "test"), Clock.systemUTC(), Duration.ofHours(1));
        Path marker = dir.resolve("ran");
        String touch = "touch " + marker;
        Random random = new Random(20261122);
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            String template = d.client.submit(JobSpec.commands("victim", dir.toString(), List.of("echo template")).build());
            d.worker("w1", 4, keys, null);
            assertEquals(JobStatus.SUCCEEDED, d.client.await(template).status());
            Map<String, String> signed = redis.client().call(j -> j.hgetAll(Keys.defaults().job(template)));

            int total = 3000;
            String queue = Keys.defaults().queue("deploy");
            redis.client().run(j -> {
                Pipeline p = j.pipelined();
                for (int i = 0; i < total; i++) {
                    p.xadd(queue, StreamEntryID.NEW_ENTRY, hostile(i, random, signed, touch));
                }
                p.sync();
            });
            Await.until("every hostile entry handled", Duration.ofSeconds(120), () -> redis.client().call(j ->
                    j.xlen(queue) == 0 && j.xpending(queue, Keys.GROUP).getTotal() == 0));

            Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
            List<String> ids = redis.client().call(j -> j.keys(Keys.defaults().jobPattern())).stream()
                    .map(Keys::tagOf).filter(id -> !id.equals(template)).toList();
            for (String id : ids) {
                JobState state = d.client.status(id);
                counts.merge(state.status(), 1, Integer::sum);
                if (state.status() != JobStatus.REJECTED && state.status() != JobStatus.FAILED) {
                    throw new AssertionError("hostile job " + id + " ended " + state.status());
                }
                assertNotNull(state.reason(), "job " + id + " has no reason");
            }
            System.out.println("hostile entries: " + total + ", job records: " + ids.size() + ", by status: " + counts
                    + ", executed: " + (Files.exists(marker) ? "SOME" : 0));
            assertFalse(Files.exists(marker), "a hostile entry ran a command");
            assertEquals(total, ids.size(), "every entry ends as a job record with a reason");

            String valid = d.client.submit(JobSpec.commands("victim", dir.toString(), List.of("echo still here")).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(valid).status(), "the worker still serves valid jobs");
        }
    }

    private static Map<String, String> hostile(int i, Random random, Map<String, String> signed, String touch) {
        String id = "h-" + i;
        String spec = "{\"mode\":\"commands\",\"project\":\"victim\",\"cd\":\"/tmp\",\"commands\":[\"" + touch + "\"]}";
        Map<String, String> e = new HashMap<>();
        switch (i % 10) {
            case 0 -> { // random bytes as spec
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                e.putAll(Map.of("job", id, "spec", new String(junk, StandardCharsets.ISO_8859_1)));
            }
            case 1 -> e.putAll(Map.of("job", id, "spec", List.of("[]", "42", "\"x\"", "null", "{\"mode\":[1]}", "{").get(random.nextInt(6))));
            case 2 -> e.putAll(Map.of("job", id, "spec", spec.replace("\"]}", "\"], \"pad\":\"" + "x".repeat(300_000) + "\"}")));
            case 3 -> e.putAll(Map.of("job", id, "spec", spec)); // unsigned
            case 4 -> e.putAll(Map.of("job", id, "spec", spec, "kid", signed.get("kid"), "iat", signed.get("iat"), "sig", signed.get("sig")));
            case 5 -> { // the signed template, one character flipped
                char[] s = signed.get("spec").toCharArray();
                int at = random.nextInt(s.length);
                s[at] = (char) (s[at] ^ (1 + random.nextInt(30)));
                e.putAll(Map.of("job", id, "spec", new String(s), "kid", signed.get("kid"), "iat", signed.get("iat"), "sig", signed.get("sig")));
            }
            case 6 -> { // random signature
                StringBuilder sig = new StringBuilder();
                for (int k = 0; k < 64; k++) {
                    sig.append(Integer.toHexString(random.nextInt(16)));
                }
                e.putAll(Map.of("job", id, "spec", spec, "kid", "prod", "iat", Long.toString(System.currentTimeMillis()), "sig", sig.toString()));
            }
            case 7 -> e.putAll(Map.of("job", List.of("", "../../etc", "x".repeat(101), "a b", "ä").get(random.nextInt(5)), "spec", spec));
            case 8 -> e.putAll(Map.of("spec", spec, "junk" + random.nextInt(), "1"));
            default -> e.putAll(Map.of("job", id, "spec", "{\"mode\":\"commands\",\"project\":\"victim\",\"cd\":\"/tmp\",\"commands\":"
                    + "[\"" + touch + "\"],\"timeoutSeconds\":" + (random.nextBoolean() ? "-1" : "\"soon\"") + "}"));
        }
        return e;
    }
}
