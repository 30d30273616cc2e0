package io.deployster.jenkins.plugin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import io.deployster.jenkins.credentials.JobSigning;
import io.deployster.sign.JobSigner;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkins.plugins.lockableresources.LockableResource;
import org.jenkins.plugins.lockableresources.LockableResourcesManager;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * What the step's pipeline tests share: a Jenkins whose global configuration points at the test's
 * redis-server, pipelines made from a script, credentials and the signing key, and reading the build's
 * log and the lockable resources the step mirrors. The JUnit wiring ({@code @WithJenkins}, the static
 * {@code RealRedis}, {@code @TempDir}) stays on each test class, where JUnit looks for it; a test class
 * makes one of these in its {@code @BeforeEach} from the {@code JenkinsRule} it is given.
 */
final class PluginFixture {
    /** The credential id the signing key is stored under. */
    static final String SIGNING_ID = "deployster-signing";

    /** A signing key as its secret text credential holds it: {@code keyId:base64(32 bytes)}. */
    static final String KEY_TEXT = "jenkins-1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    private final JenkinsRule j;

    /** Points the step's global configuration at {@code redisUri} (a {@code redis://host:port} URI). */
    PluginFixture(JenkinsRule j, String redisUri) {
        this.j = j;
        DeploysterGlobalConfiguration.get().setRedisUri(redisUri);
    }

    /** A sandboxed Pipeline job named {@code name} running {@code script}. */
    WorkflowJob pipeline(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    /** Adds a secret text credential whose id and description are {@code id}. */
    static void secretText(CredentialsScope scope, String id, String secret) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(scope, id, id, Secret.fromString(secret)));
        SystemCredentialsProvider.getInstance().save();
    }

    /**
     * Stores {@link #KEY_TEXT} as the system credential {@link #SIGNING_ID} and makes it the step's signing
     * key; returns the signer the test's workers verify jobs with. The test resets the configuration's key.
     */
    static JobSigner signingKey() throws Exception {
        secretText(CredentialsScope.SYSTEM, SIGNING_ID, KEY_TEXT);
        DeploysterGlobalConfiguration.get().setSigningKeyCredentialsId(SIGNING_ID);
        return JobSigning.signer(SIGNING_ID, KEY_TEXT);
    }

    /** The first group of {@code regex}'s first match in the build's log; fails naming {@code what} if none. */
    static String fromLog(WorkflowRun b, String regex, String what) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(JenkinsRule.getLog(b));
        assertTrue(m.find(), "no " + what + " in the log");
        return m.group(1);
    }

    /** How often {@code regex} matches in {@code log}. */
    static int count(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The lockable resource named {@code name}, or null while there is none. */
    static LockableResource resource(String name) {
        synchronized (LockableResourcesManager.syncResources) {
            for (LockableResource r : LockableResourcesManager.get().getResources()) {
                if (name.equals(r.getName())) {
                    return r;
                }
            }
        }
        return null;
    }
}
