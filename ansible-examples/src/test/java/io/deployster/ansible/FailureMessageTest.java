package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed deploy names what failed as it ran: the rendered command, never a raw template. */
class FailureMessageTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void aFailedRestartNamesTheRenderedCommand() throws Exception {
        try (Site site = Site.withSupervisor(tmp)) {
            Ansible.Result result = site.deploy("r1", Map.of("deploy_supervisor_programs", List.of("no-such-program"))).assertFailed();
            String failure = result.output().lines().filter(l -> l.contains("Deploy of release 'r1' failed")).findFirst()
                    .orElseThrow(() -> new AssertionError(result.describe()));
            assertTrue(failure.contains("command '") && failure.contains("restart no-such-program'"), failure);
            assertFalse(failure.contains("{{"), failure);
        }
    }
}
