package io.deployster.jenkins.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.Problem;
import io.deployster.workflow.WorkflowSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The step's {@code workflow:} parameter: every decision the planner makes, as the user sees it. */
class WorkflowPlannerTest {
    private static final GlobalSettings GLOBAL = new GlobalSettings("redis://redis.internal:6379", "deploy", 20, 900, 3, "signing-key");
    private static final String BY = "Jenkins build shop #7 https://ci.example/job/shop/7/";
    private static final String YAML = """
            tasks:
              build:
                queue: build
                cd: /srv/shop
                commands: ["make dist"]
              deploy:
                queue: appserver-1
                needs: [build]
                cd: /srv/shop
                commands: ["./deploy.sh"]
            """;

    private static StepParameters step(String workflow) {
        return new StepParameters().project("shop").workflow(workflow);
    }

    private static Map<String, Problem> problems(StepParameters p) {
        InvalidStepException e = assertThrows(InvalidStepException.class, () -> DeployPlanner.plan(p, GLOBAL, BY));
        return e.problems().stream().collect(Collectors.toMap(Problem::field, x -> x, (a, b) -> a));
    }

    @Test
    void theStepsProjectAndBuildFillInTheWorkflow() {
        DeployRequest r = DeployPlanner.plan(step(YAML).ref("v1.4.0"), GLOBAL, BY);
        assertTrue(r.isWorkflow());
        assertNull(r.spec(), "a workflow request carries no job");
        assertEquals(StepMode.QUEUE, r.mode());
        WorkflowSpec wf = r.workflow();
        assertEquals("shop", wf.project());
        assertEquals("shop", r.project());
        assertEquals(BY, wf.submittedBy());
        assertEquals("v1.4.0", wf.ref());
        assertEquals(List.of("build", "deploy"), List.copyOf(wf.tasks().keySet()));
        assertEquals("appserver-1", wf.tasks().get("deploy").queue());
        assertNull(wf.timeoutSeconds(), "the admin's default timeout is a job's, not a workflow's");
        assertEquals("redis://redis.internal:6379", r.redisUri());
        assertEquals("signing-key", r.signingKeyCredentialsId(), "submitted with the signing key as jobs are");
    }

    @Test
    void jsonIsAcceptedAsWell() {
        String json = "{\"project\": \"shop\", \"timeoutSeconds\": 600, \"tasks\": {\"only\": {\"cd\": \"/srv\", \"commands\": [\"true\"]}}}";
        DeployRequest r = DeployPlanner.plan(step(json).timeoutSeconds(600), GLOBAL, BY);
        assertEquals(600, r.workflow().timeoutSeconds());
        assertNull(r.workflow().tasks().get("only").queue(), "a task without a queue goes to the default queue, as a job");
    }

    @Test
    void theStepsTimeoutBecomesTheWorkflowWideLimitAndZeroMeansNone() {
        assertEquals(1800, DeployPlanner.plan(step(YAML).timeoutSeconds(1800), GLOBAL, BY).workflow().timeoutSeconds());
        assertNull(DeployPlanner.plan(step(YAML).timeoutSeconds(0), GLOBAL, BY).workflow().timeoutSeconds());
    }

    @Test
    void aWorkflowOfAnotherProjectIsRefusedNamingBothValues() {
        Problem p = problems(step("project: billing\n" + YAML)).get("workflow.project");
        assertEquals("billing", p.value());
        assertTrue(p.allowed().contains("the step's 'project' is 'shop'"), p.allowed());
        Problem t = problems(step("timeoutSeconds: 60\n" + YAML).timeoutSeconds(0)).get("workflow.timeoutSeconds");
        assertTrue(t.allowed().contains("the step's 'timeout' is '0'"), t.allowed());
        Problem ref = problems(step("ref: v1\n" + YAML).ref("v2")).get("workflow.ref");
        assertEquals("v1", ref.value());
    }

    @Test
    void theSameProjectInBothIsFine() {
        assertEquals("shop", DeployPlanner.plan(step("project: shop\n" + YAML), GLOBAL, BY).workflow().project());
    }

    @Test
    void workflowExcludesTheJobParametersNamingBoth() {
        Map<String, Problem> problems = problems(step(YAML).commands(List.of("true")).cd("/srv").playbook("site.yml")
                .queue("vps-1").extraVars(Map.of("a", 1)));
        for (String field : List.of("commands", "cd", "playbook", "queue", "extraVars")) {
            assertTrue(problems.containsKey(field), field + " not refused: " + problems.keySet());
            assertTrue(problems.get(field).allowed().startsWith("'workflow' and '" + field + "' exclude each other"),
                    problems.get(field).allowed());
        }
        assertEquals("vps-1", problems.get("queue").value());
    }

    @Test
    void agentModeIsRefused() {
        Problem p = problems(step(YAML).mode("agent")).get("mode");
        assertEquals("agent", p.value());
        assertTrue(p.allowed().contains("a workflow's tasks run on workers' queues"), p.allowed());
    }

    @Test
    void secretsAreRefusedSayingWhy() {
        Map<String, Problem> problems = problems(step(YAML).secretEnv(Map.of("DB_PASSWORD", "db-cred")).sshCredentialsId("ssh"));
        assertEquals("DB_PASSWORD", problems.get("secretEnv").value());
        assertTrue(problems.get("secretEnv").allowed().contains("a workflow's tasks get no secret values"));
        assertTrue(problems.get("sshCredentialsId").allowed().contains("mode 'agent' only"));
    }

    @Test
    void problemsInTheFileAreNamedInsideWorkflowWithParseValidsMessages() {
        String bad = """
                tasks:
                  deploy:
                    needs: [biuld]
                    cd: /srv
                    commands: ["true"]
                    retries: 3
                """;
        Map<String, Problem> problems = problems(step(bad));
        assertTrue(problems.containsKey("workflow.tasks.deploy.retries"), problems.keySet().toString());
        assertTrue(problems.get("workflow.tasks.deploy.retries").allowed().startsWith("not a field here"));
        // the unknown field stops the parse; the need is checked once it parses
        Map<String, Problem> needs = problems(step(bad.replace("    retries: 3\n", "")));
        assertEquals("biuld", needs.get("workflow.tasks.deploy.needs[0]").value());
    }

    @Test
    void textThatIsNotAWorkflowSaysWhatOneIs() {
        Problem p = problems(step("just some text")).get("workflow");
        assertTrue(p.allowed().contains("a workflow is a YAML or JSON object"), p.allowed());
    }

    @Test
    void aMissingProjectIsTheStepsParameter() {
        Problem p = problems(new StepParameters().workflow(YAML)).get("project");
        assertNull(p.value());
    }

    @Test
    void withoutRedisTheStepSaysWhereToSetIt() {
        InvalidStepException e = assertThrows(InvalidStepException.class,
                () -> DeployPlanner.plan(step(YAML), GlobalSettings.DEFAULT, BY));
        assertTrue(e.getMessage().contains("field 'redis' is missing; no Redis is configured"), e.getMessage());
    }
}
