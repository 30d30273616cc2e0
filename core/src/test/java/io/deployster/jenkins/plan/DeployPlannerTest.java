package io.deployster.jenkins.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.Mode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployPlannerTest {
    private static final GlobalSettings GLOBAL = new GlobalSettings("redis://redis.internal:6379", "deploy", 20, 900, 3);
    private static final String BY = "Jenkins build shop #7 https://ci.example/job/shop/7/";

    private static StepParameters commands() {
        return new StepParameters().project("shop").cd("/srv/shop").commands(List.of("yarn install", "yarn build"));
    }

    @Test
    void commandsFormTakesTheAdminsDefaults() {
        DeployRequest r = DeployPlanner.plan(commands().env(List.of("NODE_ENV=production", "A=b=c")), GLOBAL, BY);
        JobSpec spec = r.spec();
        assertEquals(StepMode.QUEUE, r.mode());
        assertEquals(Mode.COMMANDS, spec.mode());
        assertEquals("deploy", spec.queue());
        assertEquals(900, spec.timeoutSeconds());
        assertEquals(BY, spec.submittedBy());
        assertEquals(Map.of("NODE_ENV", "production", "A", "b=c"), spec.env());
        assertEquals("redis://redis.internal:6379", r.redisUri());
        assertEquals(Duration.ofSeconds(20), r.queueSettings().lockTtl());
        assertEquals(Duration.ofDays(3), r.queueSettings().retention());
    }

    @Test
    void theStepsOwnValuesWinOverTheDefaults() {
        DeployRequest r = DeployPlanner.plan(commands().queue("vps-1").timeoutSeconds(60).redis("rediss://other:6380/2"), GLOBAL, BY);
        assertEquals("vps-1", r.spec().queue());
        assertEquals(60, r.spec().timeoutSeconds());
        assertEquals("rediss://other:6380/2", r.redisUri());
    }

    @Test
    void timeoutZeroMeansNone() {
        assertNull(DeployPlanner.plan(commands().timeoutSeconds(0), GLOBAL, BY).spec().timeoutSeconds());
        assertNull(DeployPlanner.plan(commands(), new GlobalSettings("redis://r", "deploy", 30, 0, 7), BY).spec().timeoutSeconds());
    }

    @Test
    void ansibleFormCarriesEveryAnsibleParameter() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("release", new StringBuilder("v1.2.0"));   // a Groovy GString arrives as a CharSequence
        vars.put("replicas", 2);
        vars.put("hosts", List.of("a", "b"));
        DeployRequest r = DeployPlanner.plan(new StepParameters().project("recipes").playbook("deploy.yml")
                .inventory("inventories/prod").limit("web").tags("deploy,restart").extraVars(vars)
                .check(true).diff(true).verbosity(2).cwd("/opt/deploy").ref("v1.2.0").commit("abc123"), GLOBAL, BY);
        JobSpec spec = r.spec();
        assertEquals(Mode.ANSIBLE, spec.mode());
        assertEquals("deploy.yml", spec.playbook());
        assertEquals("inventories/prod", spec.inventory());
        assertEquals("web", spec.limit());
        assertEquals("deploy,restart", spec.tags());
        assertEquals("v1.2.0", spec.extraVars().get("release"));
        assertEquals(2, spec.extraVars().get("replicas"));
        assertEquals(List.of("a", "b"), spec.extraVars().get("hosts"));
        assertEquals(Boolean.TRUE, spec.check());
        assertEquals(Boolean.TRUE, spec.diff());
        assertEquals(2, spec.verbosity());
        assertEquals("/opt/deploy", spec.cwd());
        assertEquals("v1.2.0", spec.ref());
        assertEquals("abc123", spec.commit());
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheStepsParameterNames() {
        InvalidStepException e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(new StepParameters()
                .project("bad name").cd("relative").commands(List.of("ok")).env(List.of("NOEQUALS")).mode("sideways")
                .timeoutSeconds(-5).limit("web"), GLOBAL, BY));
        String message = e.getMessage();
        assertTrue(message.contains("field 'mode'"), message);
        assertTrue(message.contains("field 'env'"), message);
        assertTrue(message.contains("field 'project'"), message);
        assertTrue(message.contains("field 'cd'"), message);
        assertTrue(message.contains("field 'timeout'"), message);
        assertTrue(message.contains("field 'limit'"), message);
    }

    @Test
    void commandsAndPlaybookTogetherAreRefused() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().playbook("deploy.yml"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void nothingToRunIsRefused() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(new StepParameters().project("shop"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("give 'commands' with 'cd'"), e.getMessage());
    }

    @Test
    void queueModeNeedsARedis() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands(), GlobalSettings.DEFAULT, BY));
        assertTrue(e.getMessage().contains("no Redis is configured"), e.getMessage());
    }

    @Test
    void aRedisOverrideMustNotCarryAPassword() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().redis("redis://:hunter22@r:6379"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("leave credentials out"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter22"), e.getMessage());
    }

    @Test
    void agentModeRunsAPlaybookInTheWorkspaceWithCredentials() {
        DeployRequest r = DeployPlanner.plan(new StepParameters().project("recipes").playbook("deploy.yml").mode("agent")
                .inventory("inventories/local").sshCredentialsId("deploy-key").vaultCredentialsId("vault"), GlobalSettings.DEFAULT, BY);
        assertEquals(StepMode.AGENT, r.mode());
        assertNull(r.redisUri());
        assertEquals("deploy-key", r.sshCredentialsId());
        assertEquals("vault", r.vaultCredentialsId());
    }

    @Test
    void agentModeRefusesCommandsAndCwd() {
        InvalidStepException e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(commands().mode("agent"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("run commands with sh steps"), e.getMessage());
        e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(new StepParameters().project("r")
                .playbook("d.yml").mode("agent").cwd("/opt"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("dir('...')"), e.getMessage());
    }

    @Test
    void credentialsAreForAgentModeOnly() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().sshCredentialsId("key"), GLOBAL, BY));
        assertTrue(e.getMessage().contains("mode 'agent' only"), e.getMessage());
    }

    @Test
    void modeIsCaseInsensitiveAndDefaultsToQueue() {
        assertEquals(StepMode.QUEUE, StepMode.parse(null));
        assertEquals(StepMode.QUEUE, StepMode.parse(" "));
        assertEquals(StepMode.AGENT, StepMode.parse("Agent"));
        assertNull(StepMode.parse("remote"));
    }

    private static final GlobalSettings SIGNED = new GlobalSettings("redis://redis.internal:6379", "deploy", 20, 900, 3, "deployster-signing");

    @Test
    void secretParametersNameCredentialsAndGoWithTheSigningKey() {
        Map<Object, Object> secretEnv = new LinkedHashMap<>();
        secretEnv.put(new StringBuilder("DB_PASSWORD"), new StringBuilder(" db-password "));   // Groovy strings
        secretEnv.put("API_TOKEN", "api-token");
        @SuppressWarnings("unchecked")
        Map<String, ?> given = (Map<String, ?>) (Map<?, ?>) secretEnv;
        DeployRequest r = DeployPlanner.plan(commands().secretEnv(given), SIGNED, BY);
        assertEquals(Map.of("DB_PASSWORD", "db-password", "API_TOKEN", "api-token"), r.secretEnv());
        assertEquals(List.of("DB_PASSWORD", "API_TOKEN"), List.copyOf(r.secretEnv().keySet()), "in the order given");
        assertEquals("deployster-signing", r.signingKeyCredentialsId());
        assertTrue(r.hasSecrets());
        assertNull(r.spec().secretEnv(), "the spec gets sealed values at submit, never credential ids");

        DeployRequest plain = DeployPlanner.plan(commands(), SIGNED, BY);
        assertFalse(plain.hasSecrets());
        assertEquals("deployster-signing", plain.signingKeyCredentialsId(), "every queued job is signed once a key is configured");
        assertNull(DeployPlanner.plan(commands(), GLOBAL, BY).signingKeyCredentialsId());
    }

    @Test
    void queueModeSecretsNeedASigningKey() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().secretEnv(Map.of("DB_PASSWORD", "db")), GLOBAL, BY));
        assertTrue(e.getMessage().contains("field 'secretEnv': value 'DB_PASSWORD' is not allowed; secret values are encrypted "
                + "with the job signing key, and none is configured"), e.getMessage());
        assertTrue(e.getMessage().contains("Job signing key"), e.getMessage());
    }

    @Test
    void queueModeSecretEnvIsForCommandsAndSecretExtraVarsForPlaybooks() {
        InvalidStepException e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(new StepParameters().project("r")
                .playbook("deploy.yml").secretEnv(Map.of("DB_PASSWORD", "db")), SIGNED, BY));
        assertTrue(e.getMessage().contains("use secretExtraVars (secretEnv is for commands)"), e.getMessage());
        e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().secretExtraVars(Map.of("db_password", "db")), SIGNED, BY));
        assertTrue(e.getMessage().contains("'secretExtraVars' is for a playbook"), e.getMessage());
        DeployRequest r = DeployPlanner.plan(new StepParameters().project("r").playbook("deploy.yml")
                .secretExtraVars(Map.of("db_password", "db")), SIGNED, BY);
        assertEquals(Map.of("db_password", "db"), r.secretExtraVars());
    }

    @Test
    void agentModeTakesBothSecretKindsWithoutASigningKey() {
        DeployRequest r = DeployPlanner.plan(new StepParameters().project("recipes").playbook("deploy.yml").mode("agent")
                .secretEnv(Map.of("AWS_SECRET_ACCESS_KEY", "aws")).secretExtraVars(Map.of("db_password", "db")), SIGNED, BY);
        assertEquals(Map.of("AWS_SECRET_ACCESS_KEY", "aws"), r.secretEnv());
        assertEquals(Map.of("db_password", "db"), r.secretExtraVars());
        assertNull(r.signingKeyCredentialsId(), "nothing is queued, so nothing is signed");
        assertEquals(List.of("aws", "db"), List.copyOf(r.secretCredentialIds()));
    }

    @Test
    void badSecretNamesIdsAndClearDuplicatesAreAllReported() {
        Map<String, Object> secretEnv = new LinkedHashMap<>();
        secretEnv.put("bad name", "x");
        secretEnv.put("EMPTY", " ");
        secretEnv.put("NODE_ENV", "node-env");
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(commands().env(List.of("NODE_ENV=production")).secretEnv(secretEnv), SIGNED, BY));
        assertTrue(e.getMessage().contains("field 'secretEnv': value 'bad name' is not allowed; names are a letter or _"), e.getMessage());
        assertTrue(e.getMessage().contains("field 'secretEnv.EMPTY' is missing; give the id of a Secret text credential"), e.getMessage());
        assertTrue(e.getMessage().contains("field 'secretEnv.NODE_ENV': value 'also given in clear' is not allowed; give a variable "
                + "either as a secret or in env, not both"), e.getMessage());
        e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(new StepParameters().project("r").playbook("d.yml")
                .extraVars(Map.of("db_password", "x")).secretExtraVars(Map.of("db_password", "db")), SIGNED, BY));
        assertTrue(e.getMessage().contains("either as a secret or in extraVars"), e.getMessage());
    }
}
