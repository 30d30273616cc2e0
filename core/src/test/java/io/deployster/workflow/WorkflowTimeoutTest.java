package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both limits of a workflow, on real workers: a task's own timeoutSeconds and the workflow-wide one. */
class WorkflowTimeoutTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "w-t", 2, "t");

    @Test
    void aTaskOverItsOwnTimeoutIsStoppedAndFailsTheWorkflowNamingIt() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: limits
                defaults: {queue: t, cd: /tmp}
                tasks:
                  quick: {commands: ["true"]}
                  slow: {needs: [quick], timeoutSeconds: 1, commands: ["sleep 60"]}
                  after: {needs: [slow], commands: ["true"]}
                """));
        JobState end = client.await(id);
        assertEquals(JobStatus.FAILED, end.status());
        assertTrue(end.reason().startsWith("task slow timed_out"), end.reason());
        assertTrue(end.reason().endsWith("skipped: after"), end.reason());
        Map<String, TaskResult> t = client.workflow(id).tasks();
        assertEquals("succeeded", t.get("quick").status());
        assertEquals("timed_out", t.get("slow").status());
        assertEquals(JobStatus.TIMED_OUT, client.status(t.get("slow").job()).status());
        assertEquals("skipped", t.get("after").status());
        assertTrue(t.get("after").reason().contains("it needs slow, which ended timed_out"), t.get("after").reason());
    }

    @Test
    void aWorkflowWhoseParallelTasksBothFailNamesEachOfThem() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: limits
                defaults: {queue: t, cd: /tmp}
                tasks:
                  migrate: {commands: ["exit 3"]}
                  assets: {timeoutSeconds: 1, commands: ["sleep 60"]}
                  deploy: {needs: [migrate, assets], commands: ["true"]}
                """));
        JobState end = client.await(id);
        assertEquals(JobStatus.FAILED, end.status());
        // both, so the user fixes both before the next run, not one per run
        assertTrue(end.reason().contains("task migrate failed"), end.reason());
        assertTrue(end.reason().contains("task assets timed_out"), end.reason());
        assertTrue(end.reason().endsWith("skipped: deploy"), end.reason());
    }

    @Test
    void theWorkflowWideTimeoutStopsRunningTasksSkipsTheRestAndEndsTimedOut() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: limits
                timeoutSeconds: 2
                defaults: {queue: t, cd: /tmp}
                tasks:
                  long: {commands: ["sleep 60"]}
                  next: {needs: [long], commands: ["true"]}
                """));
        JobState end = client.await(id);
        assertEquals(JobStatus.TIMED_OUT, end.status());
        assertTrue(end.reason().startsWith("the workflow ran longer than its timeoutSeconds (2 s)"), end.reason());
        Map<String, TaskResult> t = client.workflow(id).tasks();
        assertEquals("cancelled", t.get("long").status());
        JobState longJob = client.status(t.get("long").job());
        assertTrue(longJob.status().isTerminal(), "no task is left running: " + longJob);
        assertEquals("skipped", t.get("next").status());
        assertEquals("not started: the workflow ran longer than its timeoutSeconds (2 s)", t.get("next").reason());
    }

    @Test
    void aTasksOwnTimeoutStaysNamedWhenTheWorkflowTimeoutFollows() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: limits
                timeoutSeconds: 3
                defaults: {queue: t, cd: /tmp}
                tasks:
                  slow: {timeoutSeconds: 1, commands: ["sleep 60"]}
                  long: {commands: ["sleep 60"]}
                """));
        JobState end = client.await(id);
        assertEquals(JobStatus.TIMED_OUT, end.status());
        assertTrue(end.reason().startsWith("the workflow ran longer than its timeoutSeconds (3 s)"), end.reason());
        assertTrue(end.reason().contains("; before that, task slow timed_out"), end.reason());
        assertEquals("timed_out", client.workflow(id).tasks().get("slow").status());
        assertEquals("cancelled", client.workflow(id).tasks().get("long").status());
    }

    @Test
    void aTaskWhoseJobNoWorkerTookIsSkippedNotCancelledWhenTheWorkflowTimesOut() throws Exception {
        DeploysterClient client = deployment.client();
        String id = client.submitWorkflow(new WorkflowParser().parse("""
                project: limits
                timeoutSeconds: 2
                defaults: {queue: t, cd: /tmp}
                tasks:
                  long: {commands: ["sleep 60"]}
                  unserved: {queue: nobody-serves-this, commands: ["true"]}
                """));
        JobState end = client.await(id);
        assertEquals(JobStatus.TIMED_OUT, end.status());
        assertTrue(end.reason().endsWith("skipped: unserved"), end.reason());
        Map<String, TaskResult> t = client.workflow(id).tasks();
        assertEquals("cancelled", t.get("long").status(), "a running task is stopped");
        assertEquals("skipped", t.get("unserved").status(), "a task whose job never started did not run: skipped, as documented");
        assertEquals("not started: the workflow ran longer than its timeoutSeconds (2 s)", t.get("unserved").reason());
        assertEquals(JobStatus.CANCELLED, client.status(t.get("unserved").job()).status(), "its job is ended, so no worker runs it later");
    }
}
