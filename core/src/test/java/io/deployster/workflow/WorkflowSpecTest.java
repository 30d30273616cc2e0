package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a user writing a workflow file sees: defaults applied, and errors that name the field, value and rule. */
class WorkflowSpecTest {
    private final WorkflowParser parser = new WorkflowParser();
    private final WorkflowValidator validator = new WorkflowValidator(new JobSpecValidator(JobLimits.DEFAULT));

    @Test
    void defaultsApplyAndOutputsRouteTheQueue() {
        WorkflowSpec wf = parser.parse("""
                project: shop
                defaults: {cd: /srv, timeoutSeconds: 60}
                tasks:
                  placement: {queue: build, commands: ["echo server=2 >> $DEPLOYSTER_OUTPUT"]}
                  deploy:
                    queue: appserver-${tasks.placement.outputs.server}
                    needs: [placement]
                    commands: ["echo ${tasks.placement.outputs.server}"]
                """);
        validator.validate(wf);
        assertEquals(60, wf.tasks().get("deploy").timeoutSeconds());
        JobSpec job = TaskJobs.job("wf1", wf, "deploy", wf.tasks().get("deploy"), (t, k) -> "2");
        assertEquals("appserver-2", job.queue());
        assertEquals(List.of("echo 2"), job.commands());
        assertEquals("wf1", job.workflow());
        assertEquals("/srv", job.cd());
    }

    @Test
    void errorsNameFieldValueAndWhatIsAllowed() {
        InvalidJobException e = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse("""
                project: shop
                tasks:
                  a: {cd: /srv, commands: [x], needs: [nope]}
                  b: {cd: relative, commands: [x], queue: "q-${tasks.a.outputs.k}"}
                """)));
        String m = e.getMessage();
        assertTrue(m.contains("'tasks.a.needs[0]': value 'nope'") && m.contains("one of [b]"), m);
        assertTrue(m.contains("'tasks.b.cd': value 'relative'") && m.contains("absolute"), m);
        assertTrue(m.contains("add 'a' to tasks.b.needs"), m);
        InvalidJobException typo = assertThrows(InvalidJobException.class, () -> parser.parse("project: p\ntasks: {a: {comands: [x]}}"));
        assertTrue(typo.getMessage().contains("'tasks.a.comands'") && typo.getMessage().contains("commands"), typo.getMessage());
        InvalidJobException cycle = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "{\"project\": \"p\", \"tasks\": {\"a\": {\"cd\": \"/\", \"commands\": [\"x\"], \"needs\": [\"b\"]},"
                        + " \"b\": {\"cd\": \"/\", \"commands\": [\"x\"], \"needs\": [\"a\"]}}}")));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
    }

    @Test
    void parseValidIsTheOneCallAProducerMakes() {
        WorkflowSpec ok = WorkflowParser.parseValid("project: shop\ntasks: {a: {cd: /srv, commands: [make]}}");
        assertEquals("shop", ok.project());
        assertEquals(List.of("make"), ok.tasks().get("a").commands());
        InvalidJobException noProject = assertThrows(InvalidJobException.class,
                () -> WorkflowParser.parseValid("tasks: {a: {cd: /srv, commands: [make]}}"));
        assertEquals("project", noProject.problems().get(0).field());
        InvalidJobException badCallback = assertThrows(InvalidJobException.class,
                () -> WorkflowParser.parseValid("project: p\ncallbackUrl: ftp://hooks/\ntasks: {a: {cd: /srv, commands: [make]}}"));
        assertEquals("callbackUrl", badCallback.problems().get(0).field());
        assertEquals("ftp://hooks/", badCallback.problems().get(0).value());
        assertTrue(badCallback.problems().get(0).allowed().contains("http://"), badCallback.getMessage());
    }

    @Test
    void containerTaskRunsTheEngineOnceAndRemovesTheContainer() {
        assertEquals(List.of("podman", "run", "--rm", "--name", "c1", "alpine:3", "echo", "hi there"),
                ContainerCommand.argv("podman", "c1", "alpine:3", List.of("echo", "hi there")));
        assertEquals("docker", ContainerCommand.argv(null, "c1", "alpine:3", List.of()).get(0));
    }
}
