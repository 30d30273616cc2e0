package io.deployster.jenkins.plugin;

import static io.deployster.jenkins.plugin.PluginFixture.fromLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.deployster.job.JobStatus;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Path;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The step's {@code workflow:} parameter in real pipelines: a workflow file read from the workspace,
 * submitted to a real redis-server, its tasks run by in-process workers serving their queues.
 */
@WithJenkins
class WorkflowStepTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private JenkinsRule j;
    private PluginFixture fixture;

    @BeforeEach
    void configure(JenkinsRule rule) {
        j = rule;
        fixture = new PluginFixture(rule, redis.uri());
    }

    /** A pipeline that writes the workflow file into its workspace and passes readFile's text to the step. */
    private WorkflowJob pipeline(String deployCommand) throws Exception {
        String yaml = "defaults:\n"
                + "  cd: " + dir + "\n"
                + "tasks:\n"
                + "  build:\n"
                + "    queue: build\n"
                + "    commands: ['echo building the bundle', 'echo bundle=shop-1.4.tgz >> $DEPLOYSTER_OUTPUT']\n"
                + "  deploy:\n"
                + "    queue: appserver\n"
                + "    needs: [build]\n"
                + "    commands: ['echo deploying ${tasks.build.outputs.bundle}', '" + deployCommand + "']\n";
        // a Groovy ''' string: ${tasks...} and $DEPLOYSTER_OUTPUT reach the file as written
        return fixture.pipeline("shop", "node {\n"
                + "  writeFile file: 'deploy/workflow.yml', text: '''" + yaml + "'''\n"
                + "  def r = deployster project: 'shop', workflow: readFile('deploy/workflow.yml')\n"
                + "  echo \"result: ${r.status} ${r.tasks.build.outputs.bundle} ${r.tasks.deploy.status} ${r.tasks.deploy.queue} ${r.jobId}\"\n"
                + "}");
    }

    private static String workflowId(WorkflowRun b) throws Exception {
        return fromLog(b, "\\[deployster] submitted workflow (\\S+): project shop, 2 tasks", "workflow id");
    }

    @Test
    void aWorkflowRunsToSuccessAndReturnsEachTasksResult() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w-build", 1, "build");
            deployment.worker("w-app", 1, "appserver");
            WorkflowRun b = j.buildAndAssertSuccess(pipeline("echo deployed"));
            String id = workflowId(b);
            j.assertLogContains("[build] building the bundle", b);
            j.assertLogContains("[deploy] deploying shop-1.4.tgz", b);
            j.assertLogContains("[deployster]   deploy: succeeded (exit code 0) on queue appserver", b);
            j.assertLogContains("result: succeeded shop-1.4.tgz succeeded appserver " + id, b);
            assertEquals(JobStatus.SUCCEEDED, deployment.client.workflow(id).state().status());
            assertTrue(deployment.client.status(id).submittedBy().startsWith("Jenkins build shop #1"),
                    "the build is recorded as the submitter");
        }
    }

    @Test
    void aFailedTaskFailsTheBuildNamingTheTask() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w-build", 1, "build");
            deployment.worker("w-app", 1, "appserver");
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, pipeline("exit 4"));
            String id = workflowId(b);
            j.assertLogContains("deployster workflow " + id + " (project shop) failed: task deploy failed: "
                    + "command 2 of 2 exited with 4: exit 4", b);
            j.assertLogNotContains("result: ", b);
        }
    }
}
