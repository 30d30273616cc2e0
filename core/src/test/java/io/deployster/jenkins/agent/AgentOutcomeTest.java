package io.deployster.jenkins.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.deployster.jenkins.Termination;
import org.junit.jupiter.api.Test;

class AgentOutcomeTest {
    @Test
    void theConsoleNamesTheAgentOrTheBuiltInNode() {
        assertEquals("agent linux-1", AgentOutcome.where("linux-1"));
        assertEquals("the built-in node", AgentOutcome.where("built-in"));
        assertEquals("the built-in node", AgentOutcome.where(""));
        assertEquals("the built-in node", AgentOutcome.where(null));
    }

    @Test
    void exitCodesEndTheStepAsAQueuedJobWould() {
        Termination ok = AgentOutcome.fromExit(0, 1200, null, "linux-1", "recipes", "deploy.yml");
        assertEquals(Termination.Kind.SUCCESS, ok.kind());
        assertEquals("agent linux-1", ok.result().get("worker"));
        assertNull(ok.result().get("jobId"));
        assertEquals(0, ok.result().get("exitCode"));
        assertEquals("succeeded", ok.result().get("status"));
        assertEquals(1200L, ok.result().get("durationMillis"));

        Termination failed = AgentOutcome.fromExit(2, 1200, 600, "built-in", "recipes", "deploy.yml");
        assertEquals(Termination.Kind.FAILURE, failed.kind());
        assertEquals("deployster (mode 'agent', project recipes) failed on the built-in node: ansible-playbook exited with 2 (deploy.yml)",
                failed.message());
        Termination timedOut = AgentOutcome.fromExit(143, 61_000, 60, "linux-1", "recipes", "deploy.yml");
        assertEquals("deployster (mode 'agent', project recipes) timed out on agent linux-1: ansible-playbook was stopped after 60 s (deploy.yml)",
                timedOut.message());
    }
}
