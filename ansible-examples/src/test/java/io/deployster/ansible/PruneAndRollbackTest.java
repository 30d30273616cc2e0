package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy_keep_releases pruning, then the rollback entry point (rollback.yml) on the same host. */
class PruneAndRollbackTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void keepReleasesNeverPrunesCurrentOrPreviousAndRollbackGoesBackOneRelease() throws Exception {
        try (Site site = Site.withSupervisor(tmp)) {
            Map<String, Object> keepOne = Map.of("deploy_keep_releases", 1);
            site.deploy("r1", keepOne).assertSucceeded();
            site.deploy("r2", keepOne).assertSucceeded();
            assertEquals(new TreeSet<>(Set.of("r1", "r2")), site.releases(), "the previous release is kept despite keep=1");

            Ansible.Result third = site.deploy("r3", keepOne).assertSucceeded();
            site.assertCurrent("r3", third);
            assertEquals(new TreeSet<>(Set.of("r2", "r3")), site.releases(),
                    "r1 pruned; current (r3) and previous (r2) kept; " + third.describe());
            assertEquals(List.of("r2", "r3"), site.history());
            site.assertServes("r3");

            // rollback.yml: back one release, restarted and health checked.
            Ansible.Result rollback = site.rollback(Map.of()).assertSucceeded();
            assertTrue(rollback.output().contains("Rolled back from release r3 to release r2"), rollback::describe);
            site.assertCurrent("r2", rollback);
            site.assertServes("r2");
            assertEquals(List.of("r2"), site.history());
            assertTrue(site.releases().contains("r3"), "the release rolled back from is kept for a roll forward");

            // Nothing before r2 is left (r1 was pruned): a second rollback refuses, clearly, and changes nothing.
            long pid = site.supervisor().appPid();
            Ansible.Result again = site.rollback(Map.of()).assertFailed();
            assertTrue(again.output().contains("Rollback impossible: release 'r2' is live and no earlier release"),
                    again::describe);
            site.assertCurrent("r2", again);
            assertEquals(pid, site.supervisor().appPid(), "a refused rollback restarts nothing");
        }
    }
}
