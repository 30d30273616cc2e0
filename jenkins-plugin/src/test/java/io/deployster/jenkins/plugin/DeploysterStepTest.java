package io.deployster.jenkins.plugin;

import static io.deployster.jenkins.plugin.PluginFixture.fromLog;
import static io.deployster.jenkins.plugin.PluginFixture.resource;
import static io.deployster.jenkins.plugin.PluginFixture.secretText;
import static io.deployster.jenkins.plugin.PluginFixture.signingKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import hudson.FilePath;
import hudson.model.Result;
import io.deployster.job.JobStatus;
import io.deployster.queue.QueueSettings;
import io.deployster.sign.JobSigner;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.structs.describable.DescribableParameter;
import org.jenkinsci.plugins.structs.describable.ErrorType;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The step in real pipelines, against a real redis-server and a worker running in this JVM. */
@WithJenkins
class DeploysterStepTest {
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

    private static String jobId(WorkflowRun b) throws Exception {
        return fromLog(b, "\\[deployster] submitted job (\\S+):", "job id");
    }

    @Test
    void deploysThroughTheQueueAndReturnsTheResult() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "def r = deployster project: 'shop', cd: '" + dir + "', "
                    + "commands: ['echo hello from the worker', 'echo \"$NODE_ENV\"'], env: ['NODE_ENV=production']\n"
                    + "echo \"result: ${r.status} ${r.exitCode} ${r.worker} ${r.jobId}\"");
            WorkflowRun b = j.buildAndAssertSuccess(p);
            String id = jobId(b);
            j.assertLogContains("hello from the worker", b);
            j.assertLogContains("production", b);
            j.assertLogContains("[deployster] started on worker w1", b);
            j.assertLogContains("result: succeeded 0 w1 " + id, b);
            assertEquals("Jenkins build shop #1", deployment.client.status(id).submittedBy().split(" http")[0]);
        }
    }

    @Test
    void aFailedJobFailsTheStepNamingTheCommand() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', commands: ['true', 'exit 3']");
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
            j.assertLogContains("(project shop) failed on worker w1: command 2 of 2 exited with 3: exit 3", b);
        }
    }

    @Test
    void invalidParametersAreListedBeforeAnythingIsSubmitted() throws Exception {
        WorkflowJob p = fixture.pipeline("shop", "deployster project: 'bad name', commands: ['true']");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("deployster: the step's parameters are not valid", b);
        j.assertLogContains("field 'project'", b);
        j.assertLogContains("field 'cd'", b);
        j.assertLogNotContains("submitted job", b);
    }

    @Test
    void abortingTheBuildCancelsTheRemoteJob() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', commands: ['echo working; sleep 60']");
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("working", b);
            b.doStop();
            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
            j.assertLogContains("[deployster] cancelling deployster job " + jobId(b), b);
            assertEquals(JobStatus.CANCELLED, deployment.client.status(jobId(b)).status());
        }
    }

    @Test
    void theProjectLockIsMirroredAsALockableResourceWhileTheJobRuns() throws Exception {
        Path release = dir.resolve("release");
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 2);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', "
                    + "commands: ['echo waiting; while [ ! -e " + release + " ]; do sleep 0.05; done']");
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("waiting", b);
            Await.until("resource held", Duration.ofSeconds(20), () -> resource("deployster:shop") != null
                    && b.equals(resource("deployster:shop").getBuild()));

            WorkflowJob other = fixture.pipeline("shop-hotfix", "deployster project: 'shop', cd: '" + dir + "', commands: ['echo second']");
            WorkflowRun second = other.scheduleBuild2(0).waitForStart();
            j.waitForMessage("waiting for the project lock, behind job " + jobId(b) + " (Jenkins build shop #1", second);

            Files.createFile(release);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertBuildStatusSuccess(j.waitForCompletion(second));
            Await.until("resource freed", Duration.ofSeconds(20), () -> resource("deployster:shop") == null
                    || resource("deployster:shop").getBuild() == null);
        }
    }

    @Test
    void aLockStepAroundTheDeployKeepsItsResource() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            WorkflowJob p = fixture.pipeline("shop", "lock('deployster:shop') {\n"
                    + "  deployster project: 'shop', cd: '" + dir + "', commands: ['echo inside the lock']\n"
                    + "}");
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("this build holds lockable resource deployster:shop through a lock step around this deploy", b);
        }
    }

    @Test
    void agentModeRunsAnsiblePlaybookWithCredentialFilesThatAreDeleted() throws Exception {
        secretText(CredentialsScope.GLOBAL, "vault", "v4ult-pass");
        String fake = "#!/bin/sh\n"
                + "echo \"args: $*\"\n"
                + "for a in \"$@\"; do case \"$a\" in --vault-password-file=*) f=\"${a#--vault-password-file=}\"; "
                + "echo \"vault: $(cat \"$f\")\"; echo \"$f\" > vault-file.txt;; esac; done\n";
        WorkflowJob p = fixture.pipeline("recipes", "node {\n"
                + "  writeFile file: 'bin/ansible-playbook', text: '''" + fake + "'''\n"
                + "  sh 'chmod +x bin/ansible-playbook'\n"
                + "  withEnv([\"PATH+FAKE=${pwd()}/bin\"]) {\n"
                + "    def r = deployster project: 'recipes', mode: 'agent', playbook: 'deploy.yml', "
                + "inventory: 'inventories/local', ref: 'v1.2.0', vaultCredentialsId: 'vault', extraVars: [a: 1, b: [1, 2], r: 1.5]\n"
                + "    echo \"result: ${r.status} ${r.exitCode}\"\n"
                + "  }\n"
                + "}");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("--inventory=inventories/local", b);
        j.assertLogContains("\"deploy_ref\":{\"__ansible_unsafe\":\"v1.2.0\"}", b);
        // issue 12: extraVars is declared Object for structs, and a Jenkinsfile's map still arrives with its JSON types
        j.assertLogContains("--extra-vars={\"a\":1,\"b\":[1,2],\"r\":1.5}", b);
        j.assertLogContains("vault: ****", b);
        j.assertLogNotContains("v4ult-pass", b);
        j.assertLogContains("result: succeeded 0", b);
        FilePath workspace = j.jenkins.getWorkspaceFor(p);
        assertNotNull(workspace);
        String vaultFile = workspace.child("vault-file.txt").readToString().strip();
        assertFalse(new File(vaultFile).exists(), "the vault password file is deleted");
        assertFalse(new File(vaultFile).getParentFile().exists(), "so is its directory");
    }

    @Test
    void agentModeOutsideNodeSaysWhatToDo() throws Exception {
        WorkflowJob p = fixture.pipeline("recipes", "deployster project: 'recipes', mode: 'agent', playbook: 'deploy.yml'");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("call it inside node { ... }", b);
    }

    @Test
    void theSnippetGeneratorWritesTheShortForm() throws Exception {
        DeploysterStep step = new DeploysterStep("recipes");
        step.setPlaybook("deploy.yml");
        step.setInventory("inventories/prod");
        step.setExtraVars(Map.of("release", "v1"));
        step.setMode("queue");
        String snippet = Snippetizer.object2Groovy(step);
        assertTrue(snippet.startsWith("deployster "), snippet);
        assertTrue(snippet.contains("project: 'recipes'"), snippet);
        assertTrue(snippet.contains("playbook: 'deploy.yml'"), snippet);
        assertTrue(snippet.contains("extraVars: [release: 'v1']"), snippet);
        assertFalse(snippet.contains("mode"), "the default mode is left out: " + snippet);
        assertFalse(snippet.contains("check"), "defaults are left out: " + snippet);

        DeploysterStep back = roundTrip(step);
        assertEquals("recipes", back.getProject());
        assertEquals("inventories/prod", back.getInventory());
        assertEquals(Map.of("release", "v1"), back.getExtraVars());
        assertNull(back.getCommands());

        DeploysterStep commands = new DeploysterStep("shop");
        commands.setCommands(List.of("yarn build", "supervisorctl restart shop"));
        commands.setCd("/var/www/shop");
        commands.setEnv(List.of("NODE_ENV=production"));
        String snippet2 = Snippetizer.object2Groovy(commands);
        assertTrue(snippet2.contains("commands: ['yarn build', 'supervisorctl restart shop']"), snippet2);
        assertTrue(snippet2.contains("env: ['NODE_ENV=production']"), snippet2);
    }

    @Test
    void signedJobsCarrySecretEnvFromCredentialsAndTheConsoleMasksIt() throws Exception {
        JobSigner signer = signingKey();
        secretText(CredentialsScope.GLOBAL, "db-password", "s3cr3t-db-value");
        try (Deployment deployment = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer)) {
            deployment.worker("w1", 1, signer, null);
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', "
                    + "commands: ['echo \"db=$DB_PASSWORD\"'], secretEnv: [DB_PASSWORD: 'db-password']");
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("db=****", b);
            j.assertLogNotContains("s3cr3t-db-value", b);
            assertFalse(Files.readString(dir.resolve(".env")).isEmpty(), "the worker wrote the value to .env");
        } finally {
            DeploysterGlobalConfiguration.get().setSigningKeyCredentialsId(null);
        }
    }

    @Test
    void secretsInQueueModeWithoutASigningKeyAreRefusedBeforeSubmitting() throws Exception {
        WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', commands: ['true'], "
                + "secretEnv: [DB_PASSWORD: 'db-password']");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("none is configured", b);
        j.assertLogNotContains("submitted job", b);
    }

    @Test
    void aMissingSecretCredentialIsNamedAndNothingIsSubmitted() throws Exception {
        signingKey();
        try {
            WorkflowJob p = fixture.pipeline("shop", "deployster project: 'shop', cd: '" + dir + "', commands: ['true'], "
                    + "secretEnv: [DB_PASSWORD: 'no-such-credential']");
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
            j.assertLogContains("secretEnv.DB_PASSWORD", b);
            j.assertLogContains("no-such-credential", b);
            j.assertLogNotContains("submitted job", b);
        } finally {
            DeploysterGlobalConfiguration.get().setSigningKeyCredentialsId(null);
        }
    }

    @Test
    void agentModePassesSecretEnvInTheEnvironmentAndSecretExtraVarsInADeletedFile() throws Exception {
        secretText(CredentialsScope.GLOBAL, "aws", "aws-s3cret-value");
        secretText(CredentialsScope.GLOBAL, "db", "db-s3cret-value");
        String fake = "#!/bin/sh\n"
                + "echo \"env: $AWS_SECRET_ACCESS_KEY\"\n"
                + "for a in \"$@\"; do case \"$a\" in --extra-vars=@*) f=\"${a#--extra-vars=@}\"; "
                + "echo \"vars: $(cat \"$f\")\"; echo \"$f\" > vars-file.txt;; esac; done\n";
        WorkflowJob p = fixture.pipeline("recipes", "node {\n"
                + "  writeFile file: 'bin/ansible-playbook', text: '''" + fake + "'''\n"
                + "  sh 'chmod +x bin/ansible-playbook'\n"
                + "  withEnv([\"PATH+FAKE=${pwd()}/bin\"]) {\n"
                + "    deployster project: 'recipes', mode: 'agent', playbook: 'deploy.yml', "
                + "secretEnv: [AWS_SECRET_ACCESS_KEY: 'aws'], secretExtraVars: [db_password: 'db']\n"
                + "  }\n"
                + "}");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("env: ****", b);
        j.assertLogContains("vars: {\"db_password\":{\"__ansible_unsafe\":\"****\"}}", b);
        j.assertLogNotContains("aws-s3cret-value", b);
        j.assertLogNotContains("db-s3cret-value", b);
        FilePath workspace = j.jenkins.getWorkspaceFor(p);
        assertNotNull(workspace);
        String varsFile = workspace.child("vars-file.txt").readToString().strip();
        assertTrue(varsFile.endsWith("/secret-vars.json"), varsFile);
        assertFalse(new File(varsFile).exists(), "the secret vars file is deleted");
    }

    @Test
    void theSnippetGeneratorWritesSecretMaps() throws Exception {
        DeploysterStep step = new DeploysterStep("shop");
        step.setCommands(List.of("make deploy"));
        step.setCd("/srv/shop");
        step.setSecretEnv(Map.of("DB_PASSWORD", "db-password"));
        String snippet = Snippetizer.object2Groovy(step);
        assertTrue(snippet.contains("secretEnv: [DB_PASSWORD: 'db-password']"), snippet);
        DeploysterStep back = roundTrip(step);
        assertEquals(Map.of("DB_PASSWORD", "db-password"), back.getSecretEnv());
        assertNull(back.getSecretExtraVars());
    }

    /**
     * Issue 12, fault 6: structs could not describe the Map parameters, so the step reference
     * (Pipeline Syntax → Steps Reference) showed an UnsupportedOperationException for them.
     */
    @Test
    void theStepReferenceDescribesEveryParameter() throws Exception {
        DescribableModel<DeploysterStep> model = new DescribableModel<>(DeploysterStep.class);
        for (DescribableParameter parameter : model.getParameters()) {
            assertFalse(parameter.getType() instanceof ErrorType, parameter.getName() + " cannot be described: " + parameter.getType());
        }
        for (String map : List.of("extraVars", "secretEnv", "secretExtraVars")) {
            assertEquals(Object.class, model.getParameter(map).getType().getActualType(), map);
        }
        String reference = j.createWebClient().withJavaScriptEnabled(false).goTo("pipeline-syntax/html")
                .getWebResponse().getContentAsString();
        assertTrue(reference.contains("secretExtraVars"), "the reference lists the step's parameters");
        assertFalse(reference.contains("do not know how to categorize"), "no parameter is shown as an error");
    }

    /**
     * Issue 12, fault 7: a bad extraVars in the Snippet Generator gave an error page; the generator shows
     * an IllegalArgumentException's message, which names the field, the line and what is accepted.
     */
    @Test
    void theSnippetGeneratorExplainsABadField() throws Exception {
        String bad = generateSnippet("{\"stapler-class\": \"" + DeploysterStep.class.getName() + "\", \"project\": \"recipes\", "
                + "\"playbook\": \"deploy.yml\", \"extraVars\": \"release=v1\\njustaword\"}");
        assertTrue(bad.contains("extraVars: extra vars line 'justaword' has no name=value; write one name=value per line or a JSON object"),
                bad);
        String good = generateSnippet("{\"stapler-class\": \"" + DeploysterStep.class.getName() + "\", \"project\": \"recipes\", "
                + "\"playbook\": \"deploy.yml\", \"extraVars\": \"{\\\"replicas\\\": 2, \\\"ratio\\\": 1.5}\"}");
        assertTrue(good.contains("extraVars: [replicas: 2, ratio: 1.5]"), good);
    }

    /** What the Snippet Generator page does on "Generate Pipeline Script": a POST of the form as JSON. */
    private String generateSnippet(String json) throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient();
        WebRequest request = new WebRequest(new URL(j.getURL(), "pipeline-syntax/generateSnippet"), HttpMethod.POST);
        request.setRequestParameters(List.of(new NameValuePair("json", json),
                new NameValuePair(j.jenkins.getCrumbIssuer().getDescriptor().getCrumbRequestField(), j.jenkins.getCrumbIssuer().getCrumb())));
        return wc.getPage(request).getWebResponse().getContentAsString();
    }

    /** What Pipeline does with a step's arguments: structs' DescribableModel, both ways. */
    private static DeploysterStep roundTrip(DeploysterStep step) throws Exception {
        UninstantiatedDescribable ud = DescribableModel.uninstantiate2_(step);
        return new DescribableModel<>(DeploysterStep.class).instantiate(ud.toMap());
    }
}
