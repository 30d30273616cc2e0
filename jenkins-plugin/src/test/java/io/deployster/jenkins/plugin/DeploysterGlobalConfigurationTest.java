package io.deployster.jenkins.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.FormValidation;
import hudson.util.Secret;
import io.deployster.testing.RealRedis;
import java.util.Base64;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class DeploysterGlobalConfigurationTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @Test
    void theSystemPageKeepsEveryField(JenkinsRule j) throws Exception {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        config.setRedisUri("rediss://redis.internal:6380/1");
        config.setRedisCredentialsId("deployster-redis");
        config.setSigningKeyCredentialsId("deployster-signing");
        config.setDefaultQueue("vps-1");
        config.setLockTtlSeconds(45);
        config.setDefaultTimeoutSeconds(1800);
        config.setLogRetentionDays(14);

        j.configRoundtrip();

        config = DeploysterGlobalConfiguration.get();
        assertEquals("rediss://redis.internal:6380/1", config.getRedisUri());
        assertEquals("deployster-redis", config.getRedisCredentialsId());
        assertEquals("deployster-signing", config.getSigningKeyCredentialsId());
        assertEquals("vps-1", config.getDefaultQueue());
        assertEquals(45, config.getLockTtlSeconds());
        assertEquals(1800, config.getDefaultTimeoutSeconds());
        assertEquals(14, config.getLogRetentionDays());
    }

    @Test
    void settingsAreSavedAcrossALoad(JenkinsRule j) {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        config.setRedisUri("redis://redis.internal:6379");
        config.load();
        assertEquals("redis://redis.internal:6379", config.getRedisUri());
    }

    @Test
    void testConnectionPingsRedis(JenkinsRule j) {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        FormValidation ok = config.doTestConnection(redis.uri(), "");
        assertEquals(FormValidation.Kind.OK, ok.kind, ok.getMessage());
        assertTrue(ok.getMessage().contains("PONG"), ok.getMessage());
        FormValidation bad = config.doTestConnection("http://not-redis", "");
        assertEquals(FormValidation.Kind.ERROR, bad.kind);
        FormValidation missing = config.doTestConnection(redis.uri(), "no-such-credential");
        assertEquals(FormValidation.Kind.ERROR, missing.kind);
    }

    @Test
    void fieldChecksComeFromTheCore(JenkinsRule j) {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        assertEquals(FormValidation.Kind.OK, config.doCheckRedisUri("redis://r:6379").kind);
        assertEquals(FormValidation.Kind.WARNING, config.doCheckRedisUri("redis://:pw123@r:6379").kind);
        assertEquals(FormValidation.Kind.ERROR, config.doCheckRedisUri("r:6379").kind);
        assertEquals(FormValidation.Kind.ERROR, config.doCheckLockTtlSeconds("0").kind);
        assertEquals(FormValidation.Kind.ERROR, config.doCheckDefaultQueue("no spaces").kind);
    }

    @Test
    void theSigningKeyCheckSaysWhatIsWrongWithoutShowingTheSecret(JenkinsRule j) throws Exception {
        String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM,
                "signing-ok", "job signing key", Secret.fromString("jenkins-1:" + secret)));
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM,
                "signing-bad", "not a key", Secret.fromString(secret)));
        SystemCredentialsProvider.getInstance().save();
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        assertEquals(FormValidation.Kind.OK, config.doCheckSigningKeyCredentialsId("").kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckSigningKeyCredentialsId("signing-ok").kind);
        FormValidation bad = config.doCheckSigningKeyCredentialsId("signing-bad");
        assertEquals(FormValidation.Kind.ERROR, bad.kind);
        assertTrue(bad.getMessage().contains("signing-bad"), bad.getMessage());
        assertTrue(!bad.getMessage().contains(secret), bad.getMessage());
        assertEquals(FormValidation.Kind.ERROR, config.doCheckSigningKeyCredentialsId("no-such-credential").kind);
    }
}
