package io.deployster.jenkins.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.plan.Checks.Check.Level;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void redisUri() {
        assertEquals(Level.OK, Checks.redisUri("redis://redis.internal:6379").level());
        assertEquals(Level.OK, Checks.redisUri("rediss://redis.internal:6380/1").level());
        assertEquals(Level.ERROR, Checks.redisUri("").level());
        assertEquals(Level.ERROR, Checks.redisUri("http://redis").level());
        Checks.Check withPassword = Checks.redisUri("redis://:secret1@redis:6379");
        assertEquals(Level.WARNING, withPassword.level());
        assertTrue(withPassword.message().contains("credential"));
    }

    @Test
    void redisOverride() {
        assertEquals(Level.OK, Checks.redisOverride(null).level());
        assertEquals(Level.OK, Checks.redisOverride("redis://other:6379").level());
        assertEquals(Level.ERROR, Checks.redisOverride("redis://u:p@other:6379").level());
        assertEquals(Level.ERROR, Checks.redisOverride("other:6379").level());
    }

    @Test
    void namesFollowTheJobRules() {
        assertEquals(Level.OK, Checks.project("recipes").level());
        assertEquals(Level.ERROR, Checks.project("").level());
        assertEquals(Level.ERROR, Checks.project("two words").level());
        assertEquals(Level.OK, Checks.queue("").level());
        assertEquals(Level.OK, Checks.queue("vps-1").level());
        assertEquals(Level.ERROR, Checks.queue("vps/1").level());
    }

    @Test
    void numbers() {
        assertEquals(Level.OK, Checks.lockTtlSeconds("30").level());
        assertEquals(Level.WARNING, Checks.lockTtlSeconds("2").level());
        assertEquals(Level.ERROR, Checks.lockTtlSeconds("0").level());
        assertEquals(Level.ERROR, Checks.lockTtlSeconds("x").level());
        assertEquals(Level.OK, Checks.timeoutSeconds("").level());
        assertEquals(Level.OK, Checks.timeoutSeconds("0").level());
        assertEquals(Level.ERROR, Checks.timeoutSeconds("-1").level());
        assertEquals(Level.OK, Checks.retentionDays("7").level());
        assertEquals(Level.ERROR, Checks.retentionDays("").level());
    }

    @Test
    void formTextAreas() {
        assertEquals(Level.OK, Checks.workflow("tasks:\n  only:\n    cd: /srv\n    commands: ['true']\n").level());
        assertEquals(Level.OK, Checks.workflow("  ").level());
        Checks.Check badWorkflow = Checks.workflow("tasks:\n  deploy:\n    needs: [biuld]\n    cd: /srv\n    commands: ['true']\n");
        assertEquals(Level.ERROR, badWorkflow.level());
        assertTrue(badWorkflow.message().startsWith("field 'workflow.tasks.deploy.needs[0]': value 'biuld' is not allowed"),
                badWorkflow.message());
        assertEquals(Level.OK, Checks.envLines("A=1\nB=2").level());
        assertEquals(Level.ERROR, Checks.envLines("A=1\nB").level());
        assertEquals(Level.OK, Checks.extraVars("{\"a\": [1, 2]}").level());
        assertEquals(Level.ERROR, Checks.extraVars("{").level());
        assertEquals(Level.OK, Checks.mode("agent").level());
        assertEquals(Level.ERROR, Checks.mode("remote").level());
        assertEquals(Level.OK, Checks.secretLines("DB_PASSWORD=db-password\n").level());
        assertEquals(Level.OK, Checks.secretLines("").level());
        assertEquals(Level.ERROR, Checks.secretLines("DB_PASSWORD").level());
        assertEquals(Level.OK, Checks.signingKey(null, null).level());
        assertEquals(Level.OK, Checks.signingKey("k", "jenkins-1:" + Base64.getEncoder().encodeToString(new byte[32])).level());
        assertEquals(Level.ERROR, Checks.signingKey("k", null).level());
        assertEquals(Level.ERROR, Checks.signingKey("k", "jenkins-1:c2hvcnQ=").level());
    }
}
