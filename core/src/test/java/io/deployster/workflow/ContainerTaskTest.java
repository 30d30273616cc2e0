package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a user sees when a container task's engine is not there: a failed task and a message naming the engine. */
class ContainerTaskTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "w", 1, "tasks");

    @Test
    void aMissingEngineFailsTheTaskWithAClearMessage() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: oneshot
                tasks:
                  hello: {queue: tasks, image: "alpine:3", args: [echo, hi], engine: deployster-no-such-engine}
                """));
        List<String> errors = new ArrayList<>();
        var end = client.follow(id, LogFollower.START, e -> {
            if (LogEntry.STDERR.equals(e.stream()) && e.text() != null) {
                errors.add(e.text());
            }
        });
        assertEquals(JobStatus.FAILED, end.status());
        TaskResult hello = client.workflow(id).tasks().get("hello");
        assertEquals(ContainerCommand.NO_ENGINE, hello.exitCode());
        // the reason shows the user's image and arguments, not the worker's wrapper script
        assertEquals("command 1 of 1 exited with 127: 'deployster-no-such-engine' 'run' '--rm' '--name' '"
                + TaskJobs.containerName(id, "hello") + "' 'alpine:3' 'echo' 'hi'", hello.reason());
        assertTrue(errors.contains("[hello] deployster: container engine 'deployster-no-such-engine' is not installed on this worker "
                + "(not found on PATH); install it or set the task's engine"), errors::toString);
    }

    @Test
    void anEngineWithoutReachableDaemonFailsTheTaskWithTheEnginesAndOurMessage() throws Exception {
        Tools.require("docker", "the docker CLI (package docker.io or docker-ce-cli); no daemon is needed");
        DeploysterClient client = deployment.client();
        // a daemon address where none listens, whatever this machine has: the CLI runs, the engine is unreachable
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: oneshot
                tasks:
                  hello: {queue: tasks, image: "alpine:3", args: [echo, hi], env: {DOCKER_HOST: "unix:///nonexistent/docker.sock"}}
                """));
        List<String> errors = new ArrayList<>();
        var end = client.follow(id, LogFollower.START, e -> {
            if (LogEntry.STDERR.equals(e.stream()) && e.text() != null) {
                errors.add(e.text());
            }
        });
        assertEquals(JobStatus.FAILED, end.status());
        assertEquals(ContainerCommand.ENGINE_FAILED, client.workflow(id).tasks().get("hello").exitCode());
        assertTrue(errors.stream().anyMatch(l -> l.startsWith("[hello] ") && l.contains("/nonexistent/docker.sock")), errors::toString);
        assertTrue(errors.contains("[hello] deployster: container engine 'docker' could not run the container (exit 125, its own "
                + "message is above); check that its daemon or service is running and reachable by this worker's user"), errors::toString);
    }
}
