package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release that fails its health check is rolled back automatically. */
class HealthCheckRollbackTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void failedHealthCheckRollsBackToThePreviousRelease() throws Exception {
        try (Site site = Site.withSupervisor(tmp)) {
            site.deploy("good").assertSucceeded();
            site.assertServes("good");

            // This release starts fine but does not serve release.txt: the health check gets 404.
            Path broken = site.source("broken");
            Files.delete(broken.resolve("release.txt"));
            Ansible.Result result = site.deploy("broken",
                    Map.of("deploy_healthcheck_retries", 4, "deploy_healthcheck_delay", 1)).assertFailed();

            String out = result.output();
            assertTrue(out.contains("Deploy of release 'broken' failed: health check failed: GET http://127.0.0.1:"
                    + site.port + "/release.txt answered status 404"), result.describe());
            assertTrue(out.contains("Rolled back to release 'good': current points at it again and it was restarted"),
                    result.describe());
            assertEquals(1, result.failed("localhost"), result::describe);

            site.assertCurrent("good", result);
            site.assertServes("good");
            assertTrue(site.supervisor().status().contains("RUNNING"), site.supervisor().status());
            assertFalse(site.releases().contains("broken"), "failed release removed: " + site.releases());
            assertEquals(List.of("good"), site.history(), "the failed release is not in the history");
        }
    }
}
