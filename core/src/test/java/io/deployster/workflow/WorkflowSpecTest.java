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
        InvalidJobException ownOutputs = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "project: p\ntasks: {a: {cd: /, commands: [\"echo ${tasks.a.outputs.k}\"]}}")));
        assertTrue(ownOutputs.getMessage().contains("'tasks.a.commands[0]': value '${tasks.a.outputs.k}'")
                && ownOutputs.getMessage().contains("a task cannot use its own outputs"), ownOutputs.getMessage());
        InvalidJobException typo = assertThrows(InvalidJobException.class, () -> parser.parse("project: p\ntasks: {a: {comands: [x]}}"));
        assertTrue(typo.getMessage().contains("'tasks.a.comands'") && typo.getMessage().contains("commands"), typo.getMessage());
        InvalidJobException cycle = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "{\"project\": \"p\", \"tasks\": {\"a\": {\"cd\": \"/\", \"commands\": [\"x\"], \"needs\": [\"b\"]},"
                        + " \"b\": {\"cd\": \"/\", \"commands\": [\"x\"], \"needs\": [\"a\"]}}}")));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
        InvalidJobException self = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "project: p\ntasks: {a: {cd: /, commands: [x], needs: [a]}}")));
        assertTrue(self.getMessage().contains("'tasks.a.needs[0]': value 'a'") && self.getMessage().contains("a task cannot need itself")
                && !self.getMessage().contains("one of []"), self.getMessage());
        InvalidJobException twice = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "project: p\ntasks: {a: {cd: /, commands: [x]}, b: {cd: /, commands: [x], needs: [a, a]}}")));
        assertTrue(twice.getMessage().contains("'tasks.b.needs[1]': value 'a'") && twice.getMessage().contains("already needs[0]"),
                twice.getMessage());
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRefusedWithItsLine() {
        InvalidJobException e = assertThrows(InvalidJobException.class, () -> parser.parse(
                "project: p\ntasks: &x\n  a: {queue: q, cd: /tmp, commands: [\"true\"], env: *x}\n"));
        assertEquals("workflow", e.problems().get(0).field());
        assertTrue(e.problems().get(0).allowed().contains("an alias refers to the node that contains it (the node anchored at line 2)"),
                e.problems().get(0).allowed());
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

    @Test
    void malformedReferencesAreRefusedNamingTheFieldAndTheWholeReference() {
        for (String bad : List.of("${tasks.a.outputs}", "${tasks.a.outputs.k/../x}", "${tasks.a.outputs.k", "${tasks.a.output.k}")) {
            WorkflowSpec wf = parser.parse("project: shop\ntasks:\n  a: {cd: /srv, commands: [x]}\n  b: {cd: /srv, needs: [a], commands: ['echo "
                    + bad + " end']}");
            InvalidJobException e = assertThrows(InvalidJobException.class, () -> validator.validate(wf), bad);
            assertEquals("tasks.b.commands[0]", e.problems().get(0).field(), e.getMessage());
            assertEquals(bad.endsWith("}") ? bad : bad + " end", e.problems().get(0).value(), e.getMessage());
            assertTrue(e.problems().get(0).allowed().startsWith("write an output reference as ${tasks.NAME.outputs.KEY}"), e.getMessage());
        }
        InvalidJobException notNeeded = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse("""
                project: shop
                tasks:
                  a: {cd: /srv, commands: [x]}
                  b: {cd: /srv, commands: ["echo ok", "deploy ${tasks.a.outputs.k}"]}
                """)));
        assertEquals("tasks.b.commands[1]", notNeeded.problems().get(0).field());
        assertEquals("${tasks.a.outputs.k}", notNeeded.problems().get(0).value());
    }

    @Test
    void aTaskQueueIsTheDefaultWhenLeftOutAndNeverEmpty() {
        InvalidJobException e = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse(
                "project: shop\ntasks: {a: {queue: \"\", cd: /srv, commands: [x]}}")));
        assertEquals("tasks.a.queue", e.problems().get(0).field());
        assertEquals("", e.problems().get(0).value());
        WorkflowSpec filled = parser.parse("project: shop\ntasks: {a: {cd: /srv, commands: [x]}, b: {queue: proxy, cd: /srv, commands: [x]}}")
                .withDefaultQueue("shop-deploy");
        assertEquals("shop-deploy", filled.tasks().get("a").queue());
        assertEquals("proxy", filled.tasks().get("b").queue());
    }

    @Test
    void outputsPastedIntoCommandsMustBeShellSafeWhileEnvTakesThemAsIs() {
        WorkflowSpec wf = parser.parse("""
                project: shop
                tasks:
                  a: {cd: /srv, commands: [x]}
                  b: {cd: /srv, needs: [a], env: {V: "${tasks.a.outputs.k}"}, commands: ["echo ${tasks.a.outputs.k}"]}
                """);
        assertEquals(List.of("echo build-7/app_1.2+3:x@y,z=%"), TaskJobs.job("wf1", wf, "b", wf.tasks().get("b"),
                (t, k) -> "build-7/app_1.2+3:x@y,z=%").commands());
        for (String hostile : List.of("1; touch pwned", "$(id)", "`id`", "a b", "x\ny", "'q'", "\"q\"", "~root", "*", "a|b", "a&b", "a>b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TaskJobs.job("wf1", wf, "b", wf.tasks().get("b"), (t, k) -> hostile), hostile);
            assertTrue(e.getMessage().contains("a value pasted into b.commands may hold only"), e.getMessage());
        }
        WorkflowSpec viaEnv = parser.parse("project: shop\ntasks: {a: {cd: /srv, commands: [x]}, b: {cd: /srv, needs: [a], "
                + "env: {V: \"${tasks.a.outputs.k}\"}, commands: [\"echo \\\"$V\\\"\"]}}");
        assertEquals("1; touch pwned", TaskJobs.job("wf1", viaEnv, "b", viaEnv.tasks().get("b"), (t, k) -> "1; touch pwned").env().get("V"));
    }

    @Test
    void aQueueThatIsEmptyOnceFilledInFailsTheTaskNamingTheField() {
        WorkflowSpec wf = parser.parse("""
                project: shop
                tasks:
                  a: {queue: q, cd: /srv, commands: [x]}
                  b: {queue: "${tasks.a.outputs.x}", cd: /srv, needs: [a], commands: [y]}
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskJobs.job("wf1", wf, "b", wf.tasks().get("b"), (t, k) -> ""));
        assertTrue(e.getMessage().startsWith("tasks.b.queue is '' once '${tasks.a.outputs.x}' is filled in"), e.getMessage());
        assertEquals("q-1", TaskJobs.job("wf1", wf, "b", wf.tasks().get("b"), (t, k) -> "q-1").queue());
    }

    @Test
    void aCdFromAnOutputIsCheckedOnceKnownAndErrorsQuoteTheTextAsWritten() {
        WorkflowSpec wf = parser.parse("""
                project: shop
                tasks:
                  a: {cd: /srv, commands: [x]}
                  b: {cd: "${tasks.a.outputs.d}", needs: [a], commands: [y]}
                """);
        validator.validate(wf);
        InvalidJobException late = assertThrows(InvalidJobException.class, () -> new JobSpecValidator(JobLimits.DEFAULT)
                .validate(TaskJobs.job("wf1", wf, "b", wf.tasks().get("b"), (t, k) -> "relative")));
        assertEquals("cd", late.problems().get(0).field());
        assertEquals("relative", late.problems().get(0).value());
        InvalidJobException e = assertThrows(InvalidJobException.class, () -> validator.validate(parser.parse("""
                project: shop
                tasks:
                  a: {cd: /srv, commands: [x]}
                  b: {cd: "srv/${tasks.a.outputs.d}", needs: [a], commands: [y]}
                """)));
        assertEquals("tasks.b.cd", e.problems().get(0).field());
        assertEquals("srv/${tasks.a.outputs.d}", e.problems().get(0).value());
        assertTrue(e.problems().get(0).allowed().startsWith("use an absolute path"), e.problems().get(0).allowed());
    }
}
