package io.deployster.jenkins.plugin;

import static io.deployster.jenkins.plugin.PluginFixture.count;
import static io.deployster.jenkins.plugin.PluginFixture.resource;
import static io.deployster.jenkins.plugin.PluginFixture.secretText;
import static io.deployster.jenkins.plugin.PluginFixture.signingKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import hudson.model.Result;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.sign.JobSigner;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jenkins.plugins.lockableresources.LockableResource;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The reviewer's scenarios of issue 12, in a real Jenkins against a real redis-server and workers in
 * this JVM: a hung Redis in one parallel branch, 30 parallel deploys to 5 projects, a secret in a
 * failing command, and the order of the abort messages. The decisions behind them are tested in core
 * too (QueueDeployTest, ResourceLedgerTest); these show what a user sees in the build.
 */
@WithJenkins
class ReviewScenariosTest {
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

    /**
     * Fault 2: a Redis that accepts connections and never answers. Branch A's submit waits for it off the
     * pipeline's thread, so branch B, ticking every 100 ms, runs to its end long before A gives up (A's
     * deadline is the core's 10 s read timeout; B needs 2 s). Before the fix, A held the CPS VM thread for
     * that whole deadline and B could not tick at all.
     */
    @Test
    void aHungRedisInOneBranchNeitherStallsTheOtherNorHangsTheBuild() throws Exception {
        try (ServerSocket hung = new ServerSocket(0)) {
            List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(hung.accept()); // and never a byte back
                    }
                } catch (Exception e) {
                    // the server socket was closed: the test is over
                }
            }, "hung-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            String uri = "redis://127.0.0.1:" + hung.getLocalPort();
            WorkflowJob p = fixture.pipeline("hung", "parallel a: {\n"
                    + "  deployster project: 'x', cd: '" + dir + "', commands: ['true'], redis: '" + uri + "'\n"
                    + "}, b: {\n"
                    + "  for (int i = 0; i < 20; i++) {\n"
                    + "    echo \"tick ${i}\"\n"
                    + "    sleep time: 100, unit: 'MILLISECONDS'\n"
                    + "  }\n"
                    + "  echo 'b is done'\n"
                    + "}\n");
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
            String log = JenkinsRule.getLog(b);
            int bDone = log.indexOf("b is done");
            int aFailed = log.indexOf("Failed in branch a");
            assertTrue(bDone >= 0 && aFailed > bDone, "branch b ran to its end before branch a gave up:\n" + log);
            j.assertLogContains("tick 19", b);
            j.assertLogContains("is unreachable", b);
            j.assertLogContains("the job was not submitted", b);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * Fault 3: one build, 30 parallel branches deploying to 5 projects. Whenever a deploy runs (it holds
     * its project's Redis lock and is in the running set), the lockable resource deployster:pK is held by
     * this build, up to the deploy's end; no branch mistakes a sibling's deploy for a lock step.
     */
    @Test
    void thirtyParallelDeploysToFiveProjectsEachRunWithTheirResourceHeldByTheBuild() throws Exception {
        Keys keys = Keys.defaults();
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 5);
            WorkflowJob p = fixture.pipeline("fan-out", "def branches = [:]\n"
                    + "for (int i = 0; i < 30; i++) {\n"
                    + "  def n = i\n"
                    + "  branches['d' + n] = {\n"
                    + "    deployster project: 'p' + (n % 5), cd: '" + dir + "', commands: ['sleep 2']\n"
                    + "  }\n"
                    + "}\n"
                    + "parallel branches\n");
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            // per job: how often it was seen running, and whether the resource was held at the last sighting
            Map<String, Integer> sightings = new TreeMap<>();
            Map<String, Boolean> heldAtLastSighting = new TreeMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (b.isBuilding() && System.nanoTime() < deadline) {
                for (int k = 0; k < 5; k++) {
                    String project = "p" + k;
                    String job = redis.client().call(r -> r.get(keys.lock(project)));
                    if (job == null || !redis.client().call(r -> r.sismember(keys.running(), job))) {
                        continue;
                    }
                    LockableResource resource = resource("deployster:" + project);
                    boolean held = resource != null && b.equals(resource.getBuild());
                    // still running after the resource was read: the sighting counts
                    if (job.equals(redis.client().call(r -> r.get(keys.lock(project))))
                            && redis.client().call(r -> r.sismember(keys.running(), job))) {
                        sightings.merge(job, 1, Integer::sum);
                        heldAtLastSighting.put(job, held);
                    }
                }
                Thread.sleep(20);
            }
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            String log = JenkinsRule.getLog(b);
            assertEquals(30, count(log, "\\[deployster] job \\S+ succeeded on worker w1"), log);
            assertEquals(30, sightings.size(), "every deploy was seen running: " + sightings);
            // a deploy runs 2 s; its last sighting is near its end, long after the follower took the resource
            for (Map.Entry<String, Boolean> e : heldAtLastSighting.entrySet()) {
                assertTrue(e.getValue(), "job " + e.getKey() + " ran without deployster:pK held by the build; sightings "
                        + sightings + "\n" + log);
            }
            j.assertLogNotContains("already holds", b);
            j.assertLogNotContains("through a lock step", b);
            for (int k = 0; k < 5; k++) {
                String name = "deployster:p" + k;
                Await.until(name + " freed", Duration.ofSeconds(30), () -> resource(name) == null || resource(name).getBuild() == null);
            }
        }
    }

    /** Fault 4: a secret in the failing command is masked in every line, the build's final ERROR line included. */
    @Test
    void aSecretInAFailingCommandAppearsNowhereInTheBuildLog() throws Exception {
        JobSigner signer = signingKey();
        secretText(CredentialsScope.GLOBAL, "simple", "pl41n-s3cr3t-v4lue");
        try (Deployment deployment = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer)) {
            deployment.worker("w1", 1, signer, null);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', "
                    + "commands: ['test \"$SIMPLE\" = pl41n-s3cr3t-v4lue && exit 4'], secretEnv: [SIMPLE: 'simple']");
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
            String log = JenkinsRule.getLog(b);
            assertTrue(log.contains("exited with 4"), log);
            assertFalse(log.contains("pl41n-s3cr3t-v4lue"), log);
            String error = lastLineStartingWith(log, "ERROR: ");
            assertTrue(error != null && error.contains("exited with 4") && error.contains("****"),
                    "the build's final error names the command, masked: " + error + "\n" + log);
        } finally {
            DeploysterGlobalConfiguration.get().setSigningKeyCredentialsId(null);
        }
    }

    /** Fault 9: on abort, the step says it is cancelling before the job reports it was cancelled. */
    @Test
    void abortPrintsCancellingBeforeCancelled() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', commands: ['echo working; sleep 60']");
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("working", b);
            b.doStop();
            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
            String log = JenkinsRule.getLog(b);
            int cancelling = log.indexOf("[deployster] cancelling deployster job");
            int cancelled = log.indexOf("[deployster] cancelled");
            assertTrue(cancelling >= 0 && cancelled > cancelling, "cancelling, then cancelled:\n" + log);
        }
    }

    private static String lastLineStartingWith(String log, String start) {
        String found = null;
        for (String line : log.split("\\R")) {
            if (line.startsWith(start)) {
                found = line;
            }
        }
        return found;
    }
}
