package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.policy.WorkerPolicy;
import io.deployster.testing.Await;
import io.deployster.testing.CallbackReceiver;
import io.deployster.testing.Deployment;
import io.deployster.workflow.WorkflowParser;
import java.time.Duration;
import java.util.Map;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code deployster submit --workflow FILE} as a CI script runs it: id, combined log, exit code. */
class WorkflowCliTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @TempDir
    Path dir;

    @Test
    void submitFollowsTheCombinedLogAndExitsWithTheWorkflowsResult() throws Exception {
        Path file = dir.resolve("wf.yaml");
        Files.writeString(file, """
                project: shop
                defaults: {cd: /tmp}
                tasks:
                  build: {commands: ["echo built"]}
                  test: {needs: [build], commands: ["echo testing; exit 4"]}
                  deploy: {needs: [test], commands: ["echo never"]}
                """);
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("cli-worker", 2);
            CliTest.Run r = CliTest.run("submit", "--redis", redis.uri(), "--workflow", file.toString());
            assertEquals(ExitCodes.FAILED, r.exit(), r.err());
            List<String> out = r.outLines();
            assertEquals(List.of("[build] built", "[test] testing"), out.subList(1, out.size()));
            assertTrue(r.err().contains("task test failed: command 1 of 1 exited with 4"), r.err());
            assertTrue(r.err().contains("skipped: deploy"), r.err());
        }
        Files.writeString(file, "project: shop\ntasks: {a: {cd: /tmp, commands: [x], needs: [b]}}\n");
        CliTest.Run bad = CliTest.run("submit", "--redis", redis.uri(), "--workflow", file.toString());
        assertEquals(ExitCodes.USAGE, bad.exit(), bad.err());
        assertTrue(bad.err().contains("'tasks.a.needs[0]': value 'b'"), bad.err());
    }

    @Test
    void statusListsEachTaskAndTheCallbacksDelivery() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(0); Deployment d = new Deployment(redis.uri())) {
            d.worker("cli-worker", 2, null, WorkerPolicy.of(Map.of("cd.*", "/tmp", "callbacks.*", "127.0.0.1/32")), "deploy");
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: shop
                    callbackUrl: %s
                    defaults: {cd: /tmp}
                    tasks:
                      build: {commands: ["echo bundle=shop.tgz >> $DEPLOYSTER_OUTPUT"]}
                      test: {needs: [build], commands: ["exit 4"]}
                      deploy: {needs: [test], commands: ["echo never"]}
                    """.formatted(receiver.url("/done"))));
            d.client.await(id);
            receiver.next(Duration.ofSeconds(30));
            Await.until("delivery recorded", Duration.ofSeconds(30), () -> d.client.callback(id) != null
                    && "delivered".equals(d.client.callback(id).state()));
            CliTest.Run r = CliTest.run("status", "--redis", redis.uri(), id);
            assertEquals(ExitCodes.FAILED, r.exit(), r.err());
            List<String> out = r.outLines();
            assertTrue(out.contains("  tasks:"), r.out());
            assertTrue(out.stream().anyMatch(l -> l.startsWith("    build: succeeded, exit code 0, queue deploy, started ")
                    && l.endsWith(", job " + id + ".build, outputs: bundle=shop.tgz")), r.out());
            assertTrue(out.stream().anyMatch(l -> l.startsWith("    test: failed, exit code 4, queue deploy")), r.out());
            assertTrue(out.contains("    deploy: skipped"), r.out());
            assertTrue(out.contains("      skipped: it needs test, which ended failed"), r.out());
            assertTrue(out.contains("  callback: delivered to " + receiver.url("/done") + " after 1 attempt (HTTP 200), unsigned"), r.out());
        }
    }
}
