package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.protocol.JobField;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers with keys run only workflows their producers signed: the coordinator signs each task with the
 * worker's own key, so an unsigned or altered workflow record must never get that far.
 */
class WorkflowSigningTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private static JobSigner signer(char fill) {
        byte[] secret = new byte[SigningKey.MIN_BYTES];
        Arrays.fill(secret, (byte) fill);
        return new JobSigner(new KeyRing(List.of(new SigningKey("k-" + fill, secret))), Clock.systemUTC(), Duration.ofMinutes(10));
    }

    private WorkflowSpec workflow(String marker) {
        return new WorkflowParser().parse("project: shop\ndefaults: {cd: " + dir + "}\ntasks:\n"
                + "  one: {queue: build, commands: [\"touch " + marker + "\"]}\n");
    }

    private Deployment keyedWorker() {
        Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer('a'));
        d.worker("build-1", 2, signer('a'), null, "build");
        return d;
    }

    @Test
    void aWorkflowSignedWithTheWorkersKeyRuns() throws Exception {
        try (Deployment d = keyedWorker()) {
            String id = d.client.submitWorkflow(workflow("signed"));

            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            assertTrue(Files.exists(dir.resolve("signed")));
        }
    }

    @Test
    void outputsChangedInRedisAreNotFilledIntoTheTasksAfterThem() throws Exception {
        // b needs a and gate: while gate waits for its file, a's recorded outputs are rewritten in Redis
        WorkflowSpec spec = new WorkflowParser().parse("project: shop\ndefaults: {cd: " + dir + ", queue: build}\ntasks:\n"
                + "  a: {commands: [\"echo x=harmless >> $DEPLOYSTER_OUTPUT\"]}\n"
                + "  gate: {commands: [\"while [ ! -f go ]; do sleep 0.05; done\"]}\n"
                + "  b: {needs: [a, gate], env: {X: \"${tasks.a.outputs.x}\"}, commands: [\"printf %s \\\"$X\\\" > b-got\"]}\n");
        try (Deployment d = keyedWorker()) {
            String id = d.client.submitWorkflow(spec);
            String field = JobField.TASK_PREFIX + "a";
            Await.until("task a recorded as succeeded", Duration.ofSeconds(30), () -> {
                String a = redis.client().call(j -> j.hget(Keys.defaults().job(id), field));
                return a != null && a.contains("\"succeeded\"") && a.contains("harmless");
            });
            String a = redis.client().call(j -> j.hget(Keys.defaults().job(id), field));
            redis.client().run(j -> j.hset(Keys.defaults().job(id), field, a.replace("harmless", "forged")));
            redis.client().run(j -> j.hset(Keys.defaults().job(id + ".a"), JobField.OUTPUTS, "{\"x\":\"forged\"}"));
            Files.writeString(dir.resolve("go"), "");

            JobState state = d.client.await(id);
            assertEquals(JobStatus.FAILED, state.status(), state.reason());
            assertTrue(Files.notExists(dir.resolve("b-got")), "b ran with forged outputs");
            String b = redis.client().call(j -> j.hget(Keys.defaults().job(id), JobField.TASK_PREFIX + "b"));
            assertTrue(b.contains("not submitted: the result of a in Redis is not the one its worker signed (bad signature"), b);
        }
    }

    @Test
    void outputsAsTheWorkerSignedThemAreFilledIn() throws Exception {
        WorkflowSpec spec = new WorkflowParser().parse("project: shop\ndefaults: {cd: " + dir + ", queue: build}\ntasks:\n"
                + "  a: {commands: [\"echo x=harmless >> $DEPLOYSTER_OUTPUT\", \"echo y=two >> $DEPLOYSTER_OUTPUT\"]}\n"
                + "  b: {needs: [a], env: {X: \"${tasks.a.outputs.x}-${tasks.a.outputs.y}\"}, commands: [\"printf %s \\\"$X\\\" > b-got\"]}\n");
        try (Deployment d = keyedWorker()) {
            String id = d.client.submitWorkflow(spec);
            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            assertEquals("harmless-two", Files.readString(dir.resolve("b-got")));
        }
    }

    @Test
    void anUnsignedWorkflowIsRejectedAndNoneOfItsTasksRuns() throws Exception {
        try (Deployment d = keyedWorker();
             DeploysterClient unsigned = DeploysterClient.connect(redis.uri(), QueueSettings.DEFAULT)) {
            String id = unsigned.submitWorkflow(workflow("unsigned"));

            JobState state = d.client.await(id);

            assertEquals(JobStatus.REJECTED, state.status());
            assertTrue(state.reason().startsWith("rejected, no task run: unsigned"), state.reason());
            assertTrue(Files.notExists(dir.resolve("unsigned")), "no task of a rejected workflow runs");
            assertEquals(null, redis.client().<String>call(j -> j.get(Keys.defaults().lock("shop"))), "the project is free again");
        }
    }

    @Test
    void aWorkflowSignedWithAnotherKeyOrAlteredAfterSigningIsRejected() throws Exception {
        try (DeploysterClient foreign = DeploysterClient.connect(redis.uri(), QueueSettings.DEFAULT, signer('b'));
             DeploysterClient producer = DeploysterClient.connect(redis.uri(), QueueSettings.DEFAULT, signer('a'))) {
            String other = foreign.submitWorkflow(workflow("foreign"));
            String altered = producer.submitWorkflow(workflow("altered"));
            // someone with write access to Redis swaps the commands before any worker starts it
            String key = Keys.defaults().job(altered);
            String spec = redis.client().call(j -> j.hget(key, JobField.SPEC));
            redis.client().run(j -> j.hset(key, JobField.SPEC, spec.replace("touch ", "touch pwned-")));

            try (Deployment d = keyedWorker()) {
                JobState foreignState = d.client.await(other);
                JobState alteredState = d.client.await(altered);

                assertEquals(JobStatus.REJECTED, foreignState.status());
                assertTrue(foreignState.reason().contains("unknown key 'k-b'"), foreignState.reason());
                assertEquals(JobStatus.REJECTED, alteredState.status());
                assertTrue(alteredState.reason().contains("bad signature"), alteredState.reason());
                try (var files = Files.list(dir)) {
                    assertEquals(List.of(), files.toList(), "nothing ran");
                }
            }
        }
    }

    @Test
    void aWorkflowRejectedAfterATaskStartedNamesItStopsItAndRecordsItsEnd() throws Exception {
        try (Deployment unkeyed = new Deployment(redis.uri())) {
            unkeyed.worker("build-unkeyed", 1, "build");
            String id = unkeyed.client.submitWorkflow(new WorkflowParser().parse("project: shop\ndefaults: {cd: " + dir + "}\ntasks:\n"
                    + "  one: {queue: build, commands: [\"sleep 300\"]}\n"
                    + "  two: {needs: [one], queue: build, commands: [\"true\"]}\n"));
            Await.until("task one running", Duration.ofSeconds(30),
                    () -> "running".equals(unkeyed.client.workflow(id).tasks().get("one").status()));

            // a worker given keys joins (a fleet being given keys one host at a time): its coordinator refuses the record
            try (Deployment keyed = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer('a'))) {
                keyed.worker("other-keyed", 1, signer('a'), null, "other");
                JobState state = keyed.client.await(id);

                assertEquals(JobStatus.REJECTED, state.status());
                assertTrue(state.reason().startsWith("rejected after task(s) one had started (stopped now): unsigned"), state.reason());
                Await.until("the workflow's record shows how task one ended", Duration.ofSeconds(30),
                        () -> "cancelled".equals(keyed.client.workflow(id).tasks().get("one").status()));
                assertEquals("skipped", keyed.client.workflow(id).tasks().get("two").status());
            }
        }
    }
}
