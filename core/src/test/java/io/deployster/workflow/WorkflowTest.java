package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.job.Problem;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The example workflow and its failure, cancel and lock rules, on five real workers and a real Redis. */
class WorkflowTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @TempDir
    Path work;

    private Deployment fiveWorkers() {
        Deployment d = new Deployment(redis.uri());
        for (String q : List.of("build", "database", "appserver-1", "appserver-2", "proxy")) {
            d.worker("w-" + q, 2, q);
        }
        return d;
    }

    private WorkflowSpec example() throws Exception {
        String text = Files.readString(Path.of("../examples/build-and-deploy/workflow.yaml"), StandardCharsets.UTF_8);
        return new WorkflowParser().parse(text.replace("/tmp/deployster-example", work.toString()));
    }

    @Test
    void exampleRunsInOrderWithParallelStepsAndPlacementRouting() throws Exception {
        Files.createDirectories(work.resolve("appserver-1/an-earlier-release")); // placement must choose server 2
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(example());
            List<String> notes = new ArrayList<>();
            JobState end = d.client.follow(id, LogFollower.START, e -> notes.add(String.valueOf(e.fields().get("message"))));
            WorkflowResult result = d.client.workflow(id);
            assertEquals(JobStatus.SUCCEEDED, end.status(), end.reason());
            Map<String, TaskResult> t = result.tasks();
            t.values().forEach(r -> assertEquals("succeeded", r.status()));
            TaskResult db = t.get("database");
            TaskResult upload = t.get("upload");
            assertTrue(db.startedAt() < upload.endedAt() && upload.startedAt() < db.endedAt(),
                    "database and upload overlap in time: " + db + " / " + upload);
            assertTrue(t.get("build").endedAt() <= Math.min(db.startedAt(), upload.startedAt()));
            assertEquals("2", t.get("placement").outputs().get("server"));
            assertEquals("appserver-2", t.get("deploy").queue());
            assertEquals("w-appserver-2", d.client.status(t.get("deploy").job()).worker());
            assertTrue(Files.readString(work.resolve("proxy.conf")).contains("appserver-2"));
            assertTrue(Files.exists(work.resolve("appserver-2/" + t.get("deploy").job() + "/index.html")));
            assertEquals(0, t.get("deploy").exitCode());
            assertTrue(notes.stream().anyMatch(n -> n.startsWith("[deploy] started on worker w-appserver-2")), notes::toString);
        }
    }

    @Test
    void aFailingUploadSkipsPlacementAndDeployAndNamesUpload() throws Exception {
        Files.writeString(work.resolve("store"), "a file where upload wants a directory");
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(example());
            JobState end = d.client.await(id);
            assertEquals(JobStatus.FAILED, end.status());
            assertTrue(end.reason().startsWith("task upload failed"), end.reason());
            Map<String, TaskResult> t = d.client.workflow(id).tasks();
            assertEquals("failed", t.get("upload").status());
            assertEquals("succeeded", t.get("database").status());
            for (String skipped : List.of("placement", "deploy", "proxy")) {
                assertEquals("skipped", t.get(skipped).status(), skipped);
                assertEquals(null, t.get(skipped).job(), skipped + " never became a job");
            }
        }
    }

    @Test
    void combinedLogPrefixesEachLineWithItsTask() throws Exception {
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: logs
                    defaults: {cd: /tmp}
                    tasks:
                      one: {queue: build, commands: ["echo first"]}
                      two: {queue: proxy, needs: [one], commands: ["echo second >&2"]}
                    """));
            List<LogEntry> entries = new ArrayList<>();
            d.client.follow(id, LogFollower.START, entries::add);
            assertTrue(entries.stream().anyMatch(e -> "[one] first".equals(e.text()) && LogEntry.STDOUT.equals(e.stream())), entries::toString);
            assertTrue(entries.stream().anyMatch(e -> "[two] second".equals(e.text()) && LogEntry.STDERR.equals(e.stream())), entries::toString);
        }
    }

    @Test
    void theCombinedLogHasEveryLineOfATaskThatPrintsManyCopyBatchesAndEndsAtOnce() throws Exception {
        // printed in one burst at the end: the task ends while most of it is not copied yet
        int lines = 30_000;
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("w-build", 1, "build");
            d.worker("w-proxy", 1, "proxy");
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: chatty
                    defaults: {cd: /tmp}
                    tasks:
                      a: {queue: build, commands: ["sleep 0.5; seq 1 %d; seq 1 700 >&2"]}
                      after: {queue: proxy, needs: [a], commands: ["echo after-done"]}
                    """.formatted(lines)));
            List<LogEntry> entries = new ArrayList<>();
            JobState end = d.client.follow(id, LogFollower.START, entries::add);

            assertEquals(JobStatus.SUCCEEDED, end.status(), end.reason());
            List<String> out = entries.stream().filter(e -> LogEntry.STDOUT.equals(e.stream()) && e.text() != null
                    && e.text().startsWith("[a] ")).map(LogEntry::text).toList();
            assertEquals(lines, out.size(), "every stdout line of task a is in the combined log");
            for (int i = 0; i < lines; i++) {
                assertEquals("[a] " + (i + 1), out.get(i));
            }
            assertEquals(700, entries.stream().filter(e -> LogEntry.STDERR.equals(e.stream()) && e.text() != null
                    && e.text().startsWith("[a] ")).count());
            List<String> notes = entries.stream().map(e -> String.valueOf(e.fields().get("message"))).toList();
            int aEnded = notes.indexOf("[a] succeeded");
            int afterStarted = -1;
            for (int i = 0; i < notes.size(); i++) {
                if (notes.get(i).startsWith("[after] started")) {
                    afterStarted = i;
                }
            }
            assertTrue(aEnded >= 0 && aEnded < afterStarted, "a's end note comes before after starts: " + aEnded + " / " + afterStarted);
        }
    }

    @Test
    void cancelMidRunStopsEveryRunningTaskAndSkipsTheRest() throws Exception {
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: shop
                    defaults: {cd: /tmp}
                    tasks:
                      a: {queue: build, commands: ["sleep 60"]}
                      b: {queue: database, commands: ["sleep 60"]}
                      c: {queue: proxy, needs: [a, b], commands: ["true"]}
                    """));
            Await.until("both parallel tasks running", Duration.ofSeconds(20), () -> {
                Map<String, TaskResult> t = d.client.workflow(id).tasks();
                return "running".equals(t.get("a").status()) && "running".equals(t.get("b").status());
            });
            d.client.cancel(id, "cancelled by the test");
            JobState end = d.client.await(id);
            assertEquals(JobStatus.CANCELLED, end.status());
            Map<String, TaskResult> t = d.client.workflow(id).tasks();
            // a task's job ends only once no process of it is left (docs/design.md)
            assertEquals(JobStatus.CANCELLED, d.client.status(t.get("a").job()).status());
            assertEquals(JobStatus.CANCELLED, d.client.status(t.get("b").job()).status());
            assertEquals("skipped", t.get("c").status());
        }
    }

    @Test
    void twoWorkflowsOfOneProjectNeverOverlap() throws Exception {
        try (Deployment d = fiveWorkers()) {
            WorkflowSpec spec = new WorkflowParser().parse("""
                    project: shop
                    defaults: {cd: /tmp}
                    tasks:
                      a: {queue: build, commands: ["sleep 0.5"]}
                      b: {queue: database, commands: ["sleep 0.5"]}
                    """);
            String first = d.client.submitWorkflow(spec);
            String second = d.client.submitWorkflow(spec);
            JobState one = d.client.await(first);
            JobState two = d.client.await(second);
            assertEquals(JobStatus.SUCCEEDED, one.status());
            assertEquals(JobStatus.SUCCEEDED, two.status());
            assertTrue(!two.startedAt().isBefore(one.endedAt()), "second started " + two.startedAt() + " after first ended " + one.endedAt());
            for (TaskResult t : d.client.workflow(second).tasks().values()) {
                assertTrue(t.startedAt() >= one.endedAt().toEpochMilli(), "task of the second ran after the first ended");
            }
            assertNotNull(two.fencingToken());
            assertTrue(two.fencingToken() > one.fencingToken());
        }
    }

    @Test
    void aProducerCannotSubmitAJobIntoARunningWorkflow() throws Exception {
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: shop
                    defaults: {cd: %s}
                    tasks:
                      a: {queue: build, commands: ["while [ ! -e go ]; do sleep 0.1; done"]}
                    """.formatted(work)));
            Await.until("task a running", Duration.ofSeconds(20), () -> "running".equals(d.client.workflow(id).tasks().get("a").status()));
            // the tester's job: naming the running workflow would run it beside a, under the workflow's lock
            JobSpec intruder = JobSpec.commands("shop", work.toString(), List.of("touch intruded"))
                    .queue("build").workflow(id).workflowTask("zz").build();
            InvalidJobException e = org.junit.jupiter.api.Assertions.assertThrows(
                    InvalidJobException.class, () -> d.client.submit(intruder));
            assertEquals(List.of("workflow", "workflowTask"), e.problems().stream().map(Problem::field).toList());
            assertEquals(id, e.problems().get(0).value());
            assertTrue(e.problems().get(0).allowed().startsWith("only the workflow engine sets it"), e.getMessage());
            // one who writes to Redis with the library itself, bypassing the producers' check: the worker refuses it
            try (Redis r = Redis.connect(redis.uri())) {
                JobQueue raw = new JobQueue(r, Keys.defaults(),
                        QueueSettings.DEFAULT, new JobSpecValidator(JobLimits.DEFAULT),
                        Clock.systemUTC());
                String forged = raw.submitTask(raw.newId(), intruder);
                JobState rejected = d.client.await(forged);
                assertEquals(JobStatus.REJECTED, rejected.status(), rejected.reason());
                assertTrue(rejected.reason().contains("but that task's job is " + id + ".zz, submitted by the workflow engine only"),
                        rejected.reason());
            }
            Files.createFile(work.resolve("go"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            assertTrue(!Files.exists(work.resolve("intruded")));
            assertEquals(List.of("a"), List.copyOf(d.client.workflow(id).tasks().keySet()));
        }
    }

    @Test
    void anOutputAShellWouldInterpretFailsTheTaskThatPastesItIntoCommands() throws Exception {
        try (Deployment d = fiveWorkers()) {
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: shop
                    defaults: {cd: %s, queue: build}
                    tasks:
                      placement: {commands: ["echo 'server=1; touch pwned' >> $DEPLOYSTER_OUTPUT"]}
                      deploy: {needs: [placement], commands: ["echo deploying to ${tasks.placement.outputs.server}"]}
                      viaEnv:
                        needs: [placement]
                        env: {SERVER: "${tasks.placement.outputs.server}"}
                        commands: ['printf %%s "$SERVER" > server.txt']
                    """.formatted(work)));
            JobState end = d.client.await(id);
            assertEquals(JobStatus.FAILED, end.status());
            assertTrue(end.reason().contains("deploy"), end.reason());
            TaskResult deploy = d.client.workflow(id).tasks().get("deploy");
            assertEquals("failed", deploy.status());
            assertEquals(null, deploy.job(), "never became a job");
            assertTrue(deploy.reason().contains("output 'server' of task placement is '1; touch pwned', which holds characters a shell would "
                    + "interpret"), deploy.reason());
            assertTrue(!Files.exists(work.resolve("pwned")), "the output was not run as a command");
            // through env the same value is a literal word
            assertEquals("succeeded", d.client.workflow(id).tasks().get("viaEnv").status());
            assertEquals("1; touch pwned", Files.readString(work.resolve("server.txt")));
        }
    }
}
