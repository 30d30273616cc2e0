package io.deployster.jenkins.plugin;

import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Path;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Declarative Pipeline example of docs/jenkins-plugin.md in a real Jenkins: the step in a stage's
 * {@code steps}, and its result in a {@code script} block, with {@code agent none} (queue mode needs
 * no executor).
 */
@WithJenkins
class DeclarativePipelineTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void theStepRunsInADeclarativeStageAndItsResultIsUsable(JenkinsRule j) throws Exception {
        PluginFixture fixture = new PluginFixture(j, redis.uri());
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "pipeline {\n"
                    + "  agent none\n"
                    + "  stages {\n"
                    + "    stage('deploy') {\n"
                    + "      steps {\n"
                    + "        deployster project: 'shop', cd: '" + dir + "', commands: ['echo deployed from a declarative stage']\n"
                    + "      }\n"
                    + "    }\n"
                    + "    stage('report') {\n"
                    + "      steps {\n"
                    + "        script {\n"
                    + "          def r = deployster project: 'shop', cd: '" + dir + "', commands: ['true']\n"
                    + "          echo \"second deploy: ${r.status} on ${r.worker}\"\n"
                    + "        }\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "}\n");
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("deployed from a declarative stage", b);
            j.assertLogContains("[deployster] started on worker w1", b);
            j.assertLogContains("second deploy: succeeded on w1", b);
        }
    }
}
