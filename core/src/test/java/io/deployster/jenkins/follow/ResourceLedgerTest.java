package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 12, fault 3: whenever a deploy runs, its resource is held by the build that runs it. */
class ResourceLedgerTest {
    /** Lockable resources as Jenkins keeps them: per build, shared by every build of the controller. */
    static final class Jenkins {
        final Map<String, String> holders = new HashMap<>();

        JenkinsResources build(String build) {
            return new JenkinsResources() {
                @Override
                public boolean heldByThisBuild(String name) {
                    synchronized (holders) {
                        return build.equals(holders.get(name));
                    }
                }

                @Override
                public boolean tryLock(String name) {
                    synchronized (holders) {
                        return holders.putIfAbsent(name, build) == null;
                    }
                }

                @Override
                public void unlock(String name) {
                    synchronized (holders) {
                        holders.remove(name, build);
                    }
                }

                @Override
                public String holder(String name) {
                    synchronized (holders) {
                        return holders.get(name);
                    }
                }

                @Override
                public String buildId() {
                    return build;
                }
            };
        }

        String holder(String name) {
            synchronized (holders) {
                return holders.get(name);
            }
        }
    }

    private final ResourceLedger ledger = new ResourceLedger();
    private final Jenkins jenkins = new Jenkins();
    private final List<String> notes = new ArrayList<>();

    @Test
    void siblingBranchesOfOneBuildKeepTheResourceUntilTheLastOfTheirDeploysEnds() {
        JenkinsResources build = jenkins.build("shop #7");
        LockMirror a = new LockMirror("p1");
        LockMirror b = new LockMirror("p1");
        ledger.started("job-a", a, build, notes::add);
        // the Redis lock passed to b; a's follower has not seen a's end yet
        ledger.started("job-b", b, build, notes::add);
        ledger.ended("job-a", a, build, notes::add);
        assertEquals("shop #7", jenkins.holder("deployster:p1"), "b runs: the resource stays held");
        assertEquals(List.of("job-b"), ledger.heldFor("deployster:p1"));
        ledger.ended("job-b", b, build, notes::add);
        assertNull(jenkins.holder("deployster:p1"));
        assertTrue(notes.stream().noneMatch(n -> n.contains("lock step")), notes.toString());
    }

    @Test
    void theNextBuildsDeployGetsTheResourceTheMomentThePreviousBuildFreesIt() {
        JenkinsResources first = jenkins.build("shop #7");
        JenkinsResources second = jenkins.build("shop #8");
        LockMirror a = new LockMirror("shop");
        LockMirror b = new LockMirror("shop");
        ledger.started("job-a", a, first, notes::add);
        ledger.started("job-b", b, second, notes::add);
        ledger.ended("job-a", a, first, notes::add);
        assertEquals("shop #8", jenkins.holder("deployster:shop"));
        assertTrue(notes.stream().noneMatch(n -> n.contains("does it exist")), notes.toString());
        ledger.ended("job-b", b, second, notes::add);
        assertNull(jenkins.holder("deployster:shop"));
    }

    @Test
    void aResourceTheBuildHoldsThroughALockStepStaysWithThatStep() {
        JenkinsResources build = jenkins.build("shop #7");
        build.tryLock("deployster:shop"); // lock('deployster:shop') { deployster … }
        LockMirror m = new LockMirror("shop");
        ledger.started("job-a", m, build, notes::add);
        ledger.ended("job-a", m, build, notes::add);
        assertEquals("shop #7", jenkins.holder("deployster:shop"));
        assertTrue(notes.get(0).contains("lock step"), notes.toString());
    }

    @Test
    void thirtyBranchesOverFiveProjectsNeverRunUnmirrored() {
        JenkinsResources build = jenkins.build("fan-out #1");
        // per project, six deploys one after the other in Redis; each follower sees the next start before the previous end
        for (int p = 0; p < 5; p++) {
            String project = "p" + p;
            LockMirror previous = null;
            String previousJob = null;
            for (int i = 0; i < 6; i++) {
                LockMirror m = new LockMirror(project);
                String job = project + "-" + i;
                ledger.started(job, m, build, notes::add);
                if (previous != null) {
                    ledger.ended(previousJob, previous, build, notes::add);
                }
                assertEquals("fan-out #1", jenkins.holder("deployster:" + project), job + " runs");
                previous = m;
                previousJob = job;
            }
            ledger.ended(previousJob, previous, build, notes::add);
            assertNull(jenkins.holder("deployster:" + project));
        }
        assertTrue(notes.stream().noneMatch(n -> n.contains("lock step")), notes.toString());
    }
}
