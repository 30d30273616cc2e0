package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.Termination;
import io.deployster.jenkins.plan.DeployPlanner;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.jenkins.plan.StepParameters;
import io.deployster.job.JobStatus;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.WorkflowResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step's {@code workflow:} parameter as the controller runs it: submitted through the shared
 * clients, its combined log followed by the one log reader, ended with the workflow's result; against a
 * real Redis and real workers serving the tasks' queues (whose coordinators drive the workflow).
 */
class QueueWorkflowTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private final ControllerRedis controller = new ControllerRedis();

    @AfterEach
    void closeClients() {
        controller.close();
    }

    private String twoTasks(String deployCommand) {
        return """
                defaults:
                  cd: %s
                tasks:
                  build:
                    queue: build
                    commands: ["echo building the bundle", "echo bundle=shop-1.4.tgz >> $DEPLOYSTER_OUTPUT"]
                  deploy:
                    queue: appserver
                    needs: [build]
                    commands: ["echo deploying ${tasks.build.outputs.bundle}", %s]
                """.formatted(dir, deployCommand);
    }

    private DeployRequest request(String workflow) {
        return DeployPlanner.plan(new StepParameters().project("shop").workflow(workflow),
                new GlobalSettings(redis.uri(), "deploy", 30, 0, 7), "test build");
    }

    private final QueueDeployTest.NoResources resources = new QueueDeployTest.NoResources();

    private QueueDeploy deploy(QueueDeployTest.Step host) {
        return new QueueDeploy(controller.of(redis.uri()), controller.work(), controller.locks(), Masker.none(), resources, host);
    }

    private Deployment twoWorkers() {
        Deployment d = new Deployment(redis.uri());
        d.worker("w-build", 1, "build");
        d.worker("w-app", 1, "appserver");
        return d;
    }

    private static String workflowId(QueueDeployTest.Step step) {
        String console = String.join("\n", step.console);
        Matcher m = Pattern.compile("\\[deployster] submitted workflow (\\S+): project shop, 2 tasks: build \\(queue build\\), "
                + "deploy \\(queue appserver\\)").matcher(console);
        assertTrue(m.find(), console);
        return m.group(1);
    }

    @Test
    void aWorkflowRunsToSuccessWithItsCombinedLogAndEachTasksResult() throws Exception {
        try (Deployment d = twoWorkers()) {
            QueueDeployTest.Step step = new QueueDeployTest.Step();
            deploy(step).submit(request(twoTasks("\"echo deployed\"")), Secrets.none(), null);
            Termination end = step.await();
            String console = String.join("\n", step.console);
            assertEquals(Termination.Kind.SUCCESS, end.kind(), console);
            String id = workflowId(step);
            // the combined log, each output line prefixed with its task, in the order the tasks ran
            int built = step.indexOf("[build] building the bundle");
            int deployed = step.indexOf("[deploy] deploying shop-1.4.tgz");
            assertTrue(built >= 0 && deployed > built, console);
            assertTrue(step.indexOf("[deploy] deployed") > deployed, console);
            assertTrue(step.indexOf("[deployster]   build: succeeded (exit code 0) on queue build") >= 0, console);

            Map<String, Object> r = end.result();
            assertEquals(id, r.get("jobId"));
            assertEquals("shop", r.get("project"));
            assertEquals("succeeded", r.get("status"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) r.get("tasks");
            assertEquals(List.of("build", "deploy"), List.copyOf(tasks.keySet()));
            assertEquals("succeeded", tasks.get("build").get("status"));
            assertEquals(0, tasks.get("build").get("exitCode"));
            assertEquals(Map.of("bundle", "shop-1.4.tgz"), tasks.get("build").get("outputs"));
            assertEquals("appserver", tasks.get("deploy").get("queue"));
            assertEquals(id + ".deploy", tasks.get("deploy").get("jobId"));
            assertEquals("w-app", d.client.status(id + ".deploy").worker(), "the deploy task ran on its queue's worker");
        }
    }

    @Test
    void aFailedTaskFailsTheStepNamingIt() throws Exception {
        try (Deployment d = twoWorkers()) {
            QueueDeployTest.Step step = new QueueDeployTest.Step();
            deploy(step).submit(request(twoTasks("\"exit 4\"")), Secrets.none(), null);
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind(), String.join("\n", step.console));
            String id = workflowId(step);
            assertEquals("deployster workflow " + id + " (project shop) failed: task deploy failed: command 2 of 2 exited with 4: exit 4",
                    end.message());
            assertNull(end.result());
        }
    }

    @Test
    void abortingCancelsEveryRunningTaskAndSkipsTheRest() throws Exception {
        try (Deployment d = twoWorkers()) {
            QueueDeployTest.Step step = new QueueDeployTest.Step();
            QueueDeploy deploy = deploy(step);
            String slow = """
                    tasks:
                      build:
                        queue: build
                        cd: %s
                        commands: ["echo build is running; sleep 60"]
                      deploy:
                        queue: appserver
                        needs: [build]
                        cd: %s
                        commands: ["true"]
                    """.formatted(dir, dir);
            deploy.submit(request(slow), Secrets.none(), null);
            Await.until("the build task's first line on the console", Duration.ofSeconds(30), () -> step.indexOf("[build] build is running") >= 0);
            String id = workflowId(step);
            Await.until("the project's resource held for the running workflow", Duration.ofSeconds(10),
                    () -> resources.holder(LockMirror.resourceName("shop")) != null);
            deploy.stop("shop #3", "aborted by the user");
            Termination end = step.await();
            assertEquals(Termination.Kind.ABORTED, end.kind(), String.join("\n", step.console));
            assertEquals("deployster workflow " + id + " was cancelled because the build was aborted", end.message());
            WorkflowResult result = d.client.workflow(id);
            assertEquals(JobStatus.CANCELLED, result.state().status());
            assertEquals("cancelled", result.tasks().get("build").status());
            assertEquals(TaskResult.SKIPPED, result.tasks().get("deploy").status());
            assertTrue(d.client.status(id + ".build").endedAt() != null, "no task is left running");
            assertNull(resources.holder(LockMirror.resourceName("shop")), "the resource is freed when the workflow ends");
        }
    }

    /** After a Jenkins restart the saved session (Java serialization, as Jenkins saves the step) still ends with the workflow's result. */
    @Test
    void aResumedWorkflowStepEndsWithTheWorkflowsResult() throws Exception {
        Path release = dir.resolve("release");
        try (Deployment d = twoWorkers()) {
            QueueDeployTest.Step first = new QueueDeployTest.Step();
            QueueDeploy deploy = deploy(first);
            String waits = twoTasks("\"echo deployed\"").replace("\"echo building the bundle\"",
                    "\"echo before the restart; while [ ! -e " + release + " ]; do sleep 0.1; done; echo after the restart\"");
            deploy.submit(request(waits), Secrets.none(), null);
            Await.until("the build task's first line on the console", Duration.ofSeconds(30),
                    () -> first.indexOf("[build] before the restart") >= 0);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(deploy.session());
            }
            DeploySession saved;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                saved = (DeploySession) in.readObject();
            }
            assertTrue(saved.workflow());
            assertTrue(saved.status().startsWith("deployster workflow " + saved.jobId() + " (project shop): running"), saved.status());

            // the restarted controller: its own clients and log reader
            QueueDeployTest.Step again = new QueueDeployTest.Step();
            Termination end;
            try (ControllerRedis restarted = new ControllerRedis()) {
                new QueueDeploy(restarted.of(redis.uri()), restarted.work(), restarted.locks(), Masker.none(), resources, again)
                        .resume(saved);
                Files.writeString(release, "go");
                end = again.await();
            }
            assertEquals(Termination.Kind.SUCCESS, end.kind(), String.join("\n", again.console));
            assertEquals(-1, again.indexOf("before the restart"), "printed once, before the restart: " + again.console);
            assertTrue(again.indexOf("[build] after the restart") >= 0, again.console.toString());
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) end.result().get("tasks");
            assertEquals("succeeded", tasks.get("deploy").get("status"));
        }
    }
}
