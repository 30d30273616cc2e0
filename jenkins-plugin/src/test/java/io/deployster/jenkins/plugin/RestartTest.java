package io.deployster.jenkins.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** A controller restart in the middle of a deploy: the step continues where its console stopped. */
class RestartTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @TempDir
    Path dir;

    @Test
    void theStepResumesAfterARestartWithNoGapAndNoDuplicate() throws Throwable {
        Path release = dir.resolve("release");
        String commands = "for i in $(seq 1 20); do echo line $i; done; "
                + "while [ ! -e " + release + " ]; do sleep 0.05; done; "
                + "for i in $(seq 21 40); do echo line $i; done";
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            sessions.then(j -> {
                DeploysterGlobalConfiguration.get().setRedisUri(redis.uri());
                WorkflowJob p = j.createProject(WorkflowJob.class, "shop");
                p.setDefinition(new CpsFlowDefinition(
                        "def r = deployster project: 'shop', cd: '" + dir + "', commands: ['" + commands + "']\n"
                                + "echo \"result: ${r.status}\"", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                j.waitForMessage("line 20", b);
            });
            // the deploy goes on while Jenkins is down
            Files.createFile(release);
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("shop", WorkflowJob.class).getBuildByNumber(1);
                j.assertBuildStatusSuccess(j.waitForCompletion(b));
                String log = JenkinsRule.getLog(b);
                for (int i = 1; i <= 40; i++) {
                    assertEquals(1, count(log, "line " + i), "line " + i + " in\n" + log);
                }
                j.assertLogContains("[deployster] Jenkins restarted: following job", b);
                j.assertLogContains("result: succeeded", b);
            });
        }
    }

    private static int count(String log, String line) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + "$").matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
