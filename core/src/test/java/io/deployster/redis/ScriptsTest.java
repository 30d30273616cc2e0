package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.protocol.Reply;
import io.deployster.protocol.Reply.Code;
import io.deployster.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Each protocol script run directly against a real redis-server, with the KEYS and ARGV its header
 * gives: its transitions, the replies it promises, and the refusals. The wire words are written out
 * here on purpose (not taken from the vocabulary classes), so a renamed word fails a test.
 */
class ScriptsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    static final Keys KEYS = Keys.defaults();
    static final String TTL = "30000";
    static final String MAXLEN = "1000";
    static final String RETENTION = "3600";
    static final String HISTORY = "100";
    static final String SPEC = "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/tmp\",\"commands\":[\"true\"]}";

    static Reply run(String script, List<String> keys, String... args) {
        Script s = Script.load(script, KEYS);
        return redis.client().call(j -> s.run(j, keys, List.of(args)));
    }

    static List<String> jobKeys(String id, String project, String... more) {
        List<String> keys = new ArrayList<>(KEYS.jobScriptKeys(id, project));
        keys.addAll(List.of(more));
        return keys;
    }

    /** Submits job {@code id} of project shop to queue deploy; returns its entry id. */
    static String submit(String id) {
        Reply r = run("submit", jobKeys(id, "shop", KEYS.queue("deploy"), KEYS.submitted()), id, SPEC, "shop", "deploy", "ci #1",
                "1000", MAXLEN, "", "", "", "", "");
        assertEquals(Code.OK, r.code());
        return r.text(0);
    }

    /** Reads the entry as worker w1 (so an acknowledgement shows), then runs start.lua for it. */
    static Reply start(String id, String entryId, String project, String retry) {
        redis.client().run(j -> {
            try {
                j.xgroupCreate(KEYS.queue("deploy"), Keys.GROUP, new StreamEntryID(0, 0), true);
            } catch (JedisDataException exists) {
                // BUSYGROUP: created by an earlier start
            }
            j.xreadGroup(Keys.GROUP, "w1", XReadGroupParams.xReadGroupParams().count(100),
                    Map.of(KEYS.queue("deploy"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        });
        return run("start", jobKeys(id, project, KEYS.queue("deploy"), KEYS.seen(id)), id, "w1", "2000", TTL, MAXLEN, "deploy",
                entryId, SPEC, project, "0", "", "", "", retry);
    }

    static Reply start(String id, String entryId) {
        return start(id, entryId, "shop", "");
    }

    static Reply finish(String id, String status) {
        return run("finish", jobKeys(id, "shop"), id, status, "0", "", "", "3000", TTL, MAXLEN, RETENTION, "", HISTORY, "shop");
    }

    static Reply cancel(String id) {
        return run("cancel", jobKeys(id, "shop", KEYS.queue("deploy")), id, "operator said so", "3000", TTL, MAXLEN, RETENTION, HISTORY,
                "shop");
    }

    static String field(String id, String field) {
        return redis.client().call(j -> j.hget(KEYS.job(id), field));
    }

    static String lockHolder() {
        return redis.client().call(j -> j.get(KEYS.lock("shop")));
    }

    static List<String> logEvents(String id) {
        List<StreamEntry> entries = redis.client().call(j -> j.xrange(KEYS.log(id), (StreamEntryID) null, null));
        return entries.stream().map(e -> e.getFields().get("e")).toList();
    }

    static long pending() {
        return redis.client().call(j -> j.xpending(KEYS.queue("deploy"), Keys.GROUP).getTotal());
    }

    @Nested
    class Submit {
        @Test
        void recordsTheJobItsPlaceInOrderItsEventAndItsEntry() {
            String entry = submit("job-a");
            assertEquals("queued", field("job-a", "status"));
            assertEquals("3", field("job-a", "protocol"));
            assertEquals(List.of("job-a"), redis.client().call(j -> j.lrange(KEYS.waiters("shop"), 0, -1)));
            assertEquals(List.of("queued"), logEvents("job-a"));
            List<StreamEntry> queued = redis.client().call(j -> j.xrange(KEYS.queue("deploy"), (StreamEntryID) null, null));
            assertEquals(entry, queued.get(0).getID().toString(), "the reply is the queue entry's id");
            assertEquals("job-a", queued.get(0).getFields().get("job"));
            assertEquals(SPEC, queued.get(0).getFields().get("spec"));
            assertEquals("1", redis.client().call(j -> j.hget(KEYS.submitted(), "deploy")));
        }

        @Test
        void refusesAnIdThatExistsAndChangesNothing() {
            submit("job-a");
            Reply again = run("submit", jobKeys("job-a", "shop", KEYS.queue("deploy"), KEYS.submitted()), "job-a", SPEC, "shop",
                    "deploy", "ci #2", "1000", MAXLEN, "", "", "", "", "");
            assertEquals(Code.DUPLICATE, again.code());
            assertEquals("ci #1", field("job-a", "submittedBy"));
            assertEquals(1L, (long) redis.client().call(j -> j.xlen(KEYS.queue("deploy"))));
        }
    }

    @Nested
    class Start {
        @Test
        void runsTheHeadOfTheProjectWithTheNextFencingTokenAndAcknowledgesTheEntry() {
            String entry = submit("job-a");
            Reply r = start("job-a", entry);
            assertEquals(Code.RUN, r.code());
            assertEquals("1", r.text(0), "the project's first grant");
            assertEquals(r.text(1), field("job-a", "startedEntry"), "the reply names the 'started' entry");
            assertEquals(List.of("queued", "started"), logEvents("job-a"));
            assertEquals("running", field("job-a", "status"));
            assertEquals("job-a", lockHolder());
            assertEquals(0L, pending(), "acknowledged with the decision");
            assertEquals(0L, (long) redis.client().call(j -> j.xlen(KEYS.queue("deploy"))), "and removed from the queue");
        }

        @Test
        void parksALaterJobBehindTheHolder() {
            start("job-a", submit("job-a"));
            Reply r = start("job-b", submit("job-b"));
            assertEquals(Code.WAIT, r.code());
            assertEquals("job-a", r.text(0));
            assertEquals("waiting", field("job-b", "status"));
            assertEquals("job-a", field("job-b", "waitingBehind"));
            assertEquals(List.of("queued", "waiting"), logEvents("job-b"));
        }

        @Test
        void skipsACancelledJob() {
            String entry = submit("job-a");
            assertEquals(Code.CANCELLED, cancel("job-a").code());
            Reply r = start("job-a", entry);
            assertEquals(Code.SKIP, r.code());
            assertEquals("cancelled", r.text(0));
            assertNull(lockHolder(), "a skipped job takes no lock");
            assertEquals(0L, pending(), "its entry is acknowledged all the same");
        }

        @Test
        void refusesASignedJobThatStartedBefore() {
            String entry = submit("job-a");
            redis.client().run(j -> j.set(KEYS.seen("job-a"), "1"));
            Reply r = run("start", jobKeys("job-a", "shop", KEYS.queue("deploy"), KEYS.seen("job-a")), "job-a", "w1", "2000", TTL,
                    MAXLEN, "deploy", entry, SPEC, "shop", "600", "k1", "1000", "abc", "");
            assertEquals(Code.REPLAYED, r.code());
            assertEquals("queued", field("job-a", "status"));
        }

        @Test
        void refusesAnEntryNamingAnotherProjectWithoutTouchingAnything() {
            String entry = submit("job-a");
            Reply r = start("job-a", entry, "elsewhere", "");
            assertEquals(Code.WRONG_PROJECT, r.code());
            assertEquals("shop", r.text(0), "the reply names the job's own project");
            assertEquals(1L, pending(), "not even acknowledged: the worker rejects it with the right keys");
            assertEquals("queued", field("job-a", "status"));
            assertNull(redis.client().call(j -> j.get(KEYS.lock("elsewhere"))));
        }

        @Test
        void givesARetriedStartOfTheSameWorkerTheSameAnswer() {
            String entry = submit("job-a");
            Reply first = start("job-a", entry);
            Reply retried = start("job-a", entry, "shop", "1");
            assertEquals(Code.RUN, retried.code());
            assertEquals(first.values(), retried.values());
            assertEquals(Code.SKIP, start("job-a", entry).code(), "without the retry mark it is a repeated delivery");
        }
    }

    @Nested
    class Finish {
        @Test
        void endsTheJobRecordsHistoryAndHandsTheLockToTheNextInOrder() {
            start("job-a", submit("job-a"));
            start("job-b", submit("job-b"));
            Reply r = finish("job-a", "succeeded");
            assertEquals(Code.OK, r.code());
            assertEquals("job-b", r.text(0), "the reply names the job handed the lock");
            assertEquals("job-b", lockHolder());
            assertEquals("succeeded", field("job-a", "status"));
            assertEquals("finished", logEvents("job-a").get(logEvents("job-a").size() - 1), "the last entry");
            assertTrue(redis.client().call(j -> j.lindex(KEYS.history("shop"), 0)).contains("\"id\":\"job-a\""));
            assertEquals("2", redis.client().call(j -> j.get(KEYS.fence("shop"))), "b's grant is the second");
        }

        @Test
        void refusesAJobThatNoLongerHoldsItsLockBecauseItEndedElsewhere() {
            start("job-a", submit("job-a"));
            start("job-b", submit("job-b"));
            // a's lease ran out and the sweep ended it as lost, handing the lock to b
            redis.client().run(j -> j.del(KEYS.lock("shop")));
            Reply swept = run("sweep", List.of(KEYS.running(), KEYS.handedOver(), KEYS.waitingProjects()), TTL, MAXLEN, RETENTION,
                    "3000", HISTORY);
            assertEquals(List.of("job-a"), swept.texts(0));
            Reply late = finish("job-a", "succeeded");
            assertEquals(Code.ALREADY, late.code());
            assertEquals("lost", late.text(0));
            assertEquals("lost", field("job-a", "status"), "the late result does not overwrite the loss");
            assertEquals("job-b", lockHolder(), "nor take the lock from its new holder");
        }

        @Test
        void refusesKeysOfAnotherProjectBeforeWritingAnything() {
            start("job-a", submit("job-a"));
            RedisCommandException e = assertThrows(RedisCommandException.class, () -> run("finish", jobKeys("job-a", "elsewhere"), "job-a",
                    "succeeded", "0", "", "", "3000", TTL, MAXLEN, RETENTION, "", HISTORY, "elsewhere"));
            assertTrue(e.getMessage().contains("WRONGPROJECT") && e.getMessage().contains("shop"), e.getMessage());
            assertEquals("running", field("job-a", "status"));
        }
    }

    @Nested
    class Reject {
        @Test
        void endsAQueuedJobAndAcknowledgesItsEntry() {
            String entry = submit("job-a");
            start("job-z", submit("job-z")); // reads a's entry too, so it is pending
            Reply r = run("reject", jobKeys("job-a", "shop", KEYS.queue("deploy")), "job-a", "deploy", entry, "bad signature", "3000",
                    TTL, MAXLEN, RETENTION, "{...}", "rejected", HISTORY, "shop");
            assertEquals(Code.OK, r.code());
            assertEquals("rejected", r.text(0));
            assertEquals("rejected", field("job-a", "status"));
            assertEquals("bad signature", field("job-a", "reason"));
            assertEquals(0L, pending());
            assertFalse(redis.client().call(j -> j.lrange(KEYS.waiters("shop"), 0, -1)).contains("job-a"));
        }

        @Test
        void leavesARunningJobAloneButAcknowledgesTheEntry() {
            String entry = submit("job-a");
            start("job-a", entry);
            Reply r = run("reject", jobKeys("job-a", "shop", KEYS.queue("deploy")), "job-a", "deploy", entry, "late", "3000", TTL, MAXLEN,
                    RETENTION, "{...}", "failed", HISTORY, "shop");
            assertEquals(Code.ALREADY, r.code());
            assertEquals("running", r.text(0));
            assertEquals("running", field("job-a", "status"));
        }

        @Test
        void recordsAnEntryWithNoJobBehindItAsAFailedJob() {
            Reply r = run("reject", jobKeys("new-1", "", KEYS.queue("deploy")), "new-1", "deploy", "1-1", "no valid job id", "3000", TTL,
                    MAXLEN, RETENTION, "{job=?}", "failed", HISTORY, "");
            assertEquals(Code.OK, r.code());
            assertEquals("failed", field("new-1", "status"));
            assertEquals("{job=?}", field("new-1", "entry"));
        }
    }

    @Nested
    class Cancel {
        @Test
        void answersForEveryStateAJobCanBeIn() {
            submit("job-a");
            String left = submit("job-left");
            Reply queued = cancel("job-a");
            assertEquals(Code.CANCELLED, queued.code());
            assertEquals("queued", queued.text(0));
            List<StreamEntry> entries = redis.client().call(j -> j.xrange(KEYS.queue("deploy"), (StreamEntryID) null, null));
            assertEquals(List.of(left), entries.stream().map(e -> e.getID().toString()).toList(),
                    "the cancelled job's entry left the queue: depth and age count only jobs that can still run");
            cancel("job-left"); // out of job-b's way in the project's order
            assertEquals(Code.FINISHED, cancel("job-a").code(), "an ended job is left alone");
            assertEquals(Code.UNKNOWN, run("cancel", jobKeys("job-none", "", KEYS.queue("")), "job-none", "why", "3000", TTL, MAXLEN,
                    RETENTION, HISTORY, "").code());

            start("job-b", submit("job-b"));
            Reply running = cancel("job-b");
            assertEquals(Code.REQUESTED, running.code());
            assertEquals("running", field("job-b", "status"), "its worker stops it and then ends it");
            assertEquals("operator said so", field("job-b", "cancelRequested"));
        }
    }

    @Nested
    class Renew {
        @Test
        void reportsEachLeaseAsHeldRetakenLostOrEndedWithAPendingCancel() {
            List<String> projects = List.of("p1", "p2", "p3", "p4");
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of(TTL));
            for (String p : projects) {
                String id = "job-" + p;
                run("submit", jobKeys(id, p, KEYS.queue("deploy"), KEYS.submitted()), id, SPEC, p, "deploy", "", "1000", MAXLEN, "", "",
                        "", "", "");
                Reply r = run("start", jobKeys(id, p, KEYS.queue("deploy"), KEYS.seen(id)), id, "w1", "2000", TTL, MAXLEN, "deploy",
                        "0-1", SPEC, p, "0", "", "", "", "");
                keys.addAll(List.of(KEYS.job(id), KEYS.lock(p), KEYS.fence(p)));
                args.addAll(List.of(id, r.text(0)));
            }
            redis.client().run(j -> {
                j.del(KEYS.lock("p2")); // lapsed; nobody was granted it since
                j.set(KEYS.lock("p3"), "job-other"); // granted to another job: a stale fence
                j.incr(KEYS.fence("p3"));
                j.hset(KEYS.job("job-p4"), "status", "lost"); // ended elsewhere
                j.hset(KEYS.job("job-p1"), "cancelRequested", "stop it");
            });
            Reply r = run("renew", keys, args.toArray(String[]::new));
            assertEquals(Code.OK, r.code());
            assertEquals(List.of("held", "stop it", "retaken", "", "lost", "", "ended", ""), r.values().stream().map(String::valueOf).toList());
            assertEquals("job-p2", redis.client().call(j -> j.get(KEYS.lock("p2"))), "a retaken lock is the job's again");
            assertEquals("job-other", redis.client().call(j -> j.get(KEYS.lock("p3"))), "a lost one stays with its new holder");
        }
    }

    @Nested
    class SweepAndHeartbeat {
        @Test
        void anIdleSweepAnswersTwoEmptyLists() {
            Reply r = run("sweep", List.of(KEYS.running(), KEYS.handedOver(), KEYS.waitingProjects()), TTL, MAXLEN, RETENTION, "3000",
                    HISTORY);
            assertEquals(Code.OK, r.code());
            assertEquals(List.of(), r.texts(0));
            assertEquals(List.of(), r.texts(1));
        }

        @Test
        void aSweepHandsAFreeLockToTheHeadOfTheProject() {
            submit("job-a");
            Reply r = run("sweep", List.of(KEYS.running(), KEYS.handedOver(), KEYS.waitingProjects()), TTL, MAXLEN, RETENTION, "3000",
                    HISTORY);
            assertEquals(List.of("job-a"), r.texts(1));
            assertEquals("job-a", lockHolder());
        }

        @Test
        void aHeartbeatMarksTheWorkerAliveForItsTtlAndKeepsItsLastWord() {
            Reply r = run("heartbeat", List.of(KEYS.worker("w1"), KEYS.workers()), "w1", "15000", "queues=deploy running=0/4 at=1");
            assertEquals(Code.OK, r.code());
            long ttl = redis.client().call(j -> j.pttl(KEYS.worker("w1")));
            assertTrue(ttl > 0 && ttl <= 15000, "ttl " + ttl);
            assertEquals("queues=deploy running=0/4 at=1", redis.client().call(j -> j.hget(KEYS.workers(), "w1")));
        }
    }

    @Nested
    class Workflows {
        static final String WF = "{\"project\":\"shop\",\"tasks\":{}}";

        Reply submitWorkflow(String id) {
            return run("workflow-submit", jobKeys(id, "shop", KEYS.workflows()), id, WF, "shop", "ci", "1000", MAXLEN, "", "", "");
        }

        Reply startWorkflow(String id) {
            return run("workflow-start", jobKeys(id, "shop"), id, "w1", "2000", TTL, MAXLEN, "shop");
        }

        /** Submits job {@code id} naming workflow {@code wf} and task {@code task}, as the coordinator (or a forger) would. */
        String submitTask(String id, String wf, String task) {
            Reply r = run("submit", jobKeys(id, "shop", KEYS.queue("deploy"), KEYS.submitted()), id, SPEC, "shop", "deploy", "ci #1",
                    "1000", MAXLEN, "", "", "", wf, task);
            assertEquals(Code.OK, r.code());
            return r.text(0);
        }

        @Test
        void onlyTheWorkflowsOwnTaskJobsRunUnderItsLock() {
            submitWorkflow("wf-1");
            assertEquals(Code.RUN, startWorkflow("wf-1").code());
            String forged = submitTask("forged-1", "wf-1", "zz");
            String renamed = submitTask("wf-1.other", "wf-1", "zz");
            String real = submitTask("wf-1.deploy", "wf-1", "deploy");

            Reply f = start("forged-1", forged);
            Reply r = start("wf-1.other", renamed);
            Reply t = start("wf-1.deploy", real);

            assertEquals(Code.SKIP, f.code());
            assertEquals("not a task of workflow wf-1", f.text(0));
            assertEquals(Code.SKIP, r.code(), "an id that is not WORKFLOW.TASK of its own task name");
            assertEquals(Code.RUN, t.code());
            assertEquals("running", field("wf-1.deploy", "status"));
            assertEquals("queued", field("forged-1", "status"));
            assertEquals("wf-1", lockHolder(), "the workflow keeps its lock");
        }

        @Test
        void aTaskHasALeaseOfItsOwnThatRenewalsExtendAndASweepEndsOnceItRanOut() {
            submitWorkflow("wf-1");
            String token = startWorkflow("wf-1").text(0);
            Reply started = start("wf-1.deploy", submitTask("wf-1.deploy", "wf-1", "deploy"));
            assertEquals(Code.RUN, started.code());
            long now = redis.client().call(j -> Long.parseLong(j.time().get(0))) * 1000;
            assertTrue(Long.parseLong(field("wf-1.deploy", "leaseUntil")) >= now, "the start gave the task a lease on Redis' clock");

            redis.client().run(j -> j.hset(KEYS.job("wf-1.deploy"), "leaseUntil", "1"));
            Reply renewed = run("renew", List.of(KEYS.job("wf-1.deploy"), KEYS.lock("shop"), KEYS.fence("shop")), TTL, "wf-1.deploy", token);
            assertEquals("held", renewed.text(0));
            assertTrue(Long.parseLong(field("wf-1.deploy", "leaseUntil")) >= now, "a renewal extends it");
            List<String> sweepKeys = List.of(KEYS.running(), KEYS.handedOver(), KEYS.waitingProjects());
            assertEquals(List.of(), run("sweep", sweepKeys, TTL, MAXLEN, RETENTION, "3000", HISTORY).texts(0), "a renewed task is not lost");

            redis.client().run(j -> j.hset(KEYS.job("wf-1.deploy"), "leaseUntil", Long.toString(now - 1)));
            Reply swept = run("sweep", sweepKeys, TTL, MAXLEN, RETENTION, "3000", HISTORY);
            assertEquals(List.of("wf-1.deploy"), swept.texts(0));
            assertEquals("lost", field("wf-1.deploy", "status"));
            assertTrue(field("wf-1.deploy", "reason").startsWith("the lease of this task (its workflow wf-1 holds the lock of project shop) ran out"),
                    field("wf-1.deploy", "reason"));
            assertEquals("wf-1", lockHolder(), "the workflow keeps its lock: it decides what the lost task means");
        }

        @Test
        void aWorkflowIsRecordedOnceStartsInOrderAndCopiesItsTasksLogs() {
            assertEquals(Code.OK, submitWorkflow("wf-1").code());
            assertEquals(Code.DUPLICATE, submitWorkflow("wf-1").code());
            assertEquals("workflow", field("wf-1", "kind"));
            assertEquals(Code.OK, submitWorkflow("wf-2").code());

            assertEquals(Code.WAIT, startWorkflow("wf-2").code(), "wf-1 was submitted first");
            Reply first = startWorkflow("wf-1");
            assertEquals(Code.RUN, first.code());
            assertEquals("1", first.text(0));
            assertEquals(Code.SKIP, startWorkflow("wf-1").code(), "a running workflow is not started twice");

            redis.client().run(j -> {
                j.xadd(KEYS.log("task-1"), StreamEntryID.NEW_ENTRY, Map.of("e", "started", "ts", "1", "worker", "w2"));
                j.xadd(KEYS.log("task-1"), StreamEntryID.NEW_ENTRY, Map.of("s", "out", "l", "hello", "ts", "2"));
            });
            Reply copied = run("workflow-copy", List.of(KEYS.job("wf-1"), KEYS.log("wf-1"), KEYS.log("task-1")), "build", "task-1",
                    MAXLEN, "100");
            assertEquals(Code.OK, copied.code());
            assertEquals(2L, copied.number(0));
            List<StreamEntry> combined = redis.client().call(j -> j.xrange(KEYS.log("wf-1"), (StreamEntryID) null, null));
            assertEquals("[build] hello", combined.get(combined.size() - 1).getFields().get("l"));
            assertEquals(0L, run("workflow-copy", List.of(KEYS.job("wf-1"), KEYS.log("wf-1"), KEYS.log("task-1")), "build", "task-1",
                    MAXLEN, "100").number(0), "the cursor keeps a line from being copied twice");
        }
    }

    @Test
    void aCoordinatorReleasesOnlyItsOwnDriverRight() {
        redis.client().run(j -> j.set(KEYS.driver("wf-1"), "w2"));
        assertEquals(Code.ALREADY, run("workflow-release", List.of(KEYS.driver("wf-1")), "w1").code());
        assertEquals("w2", redis.client().call(j -> j.get(KEYS.driver("wf-1"))), "another coordinator's right is left alone");
        assertEquals(Code.OK, run("workflow-release", List.of(KEYS.driver("wf-1")), "w2").code());
        assertNull(redis.client().call(j -> j.get(KEYS.driver("wf-1"))));
    }

    @Test
    void everyKeyOfAJobAndOfAProjectSharesItsSlotTag() {
        List<String> job = List.of(KEYS.job("20261201-000000-abcdefgh"), KEYS.log("20261201-000000-abcdefgh"),
                KEYS.seen("20261201-000000-abcdefgh"));
        List<String> project = List.of(KEYS.lock("shop"), KEYS.waiters("shop"), KEYS.fence("shop"), KEYS.history("shop"));
        job.forEach(k -> assertEquals("20261201-000000-abcdefgh", Keys.tagOf(k), k));
        project.forEach(k -> assertEquals("shop", Keys.tagOf(k), k));
        assertEquals("deployster:lock:{shop}", KEYS.lock("shop"));
    }

    @Nested
    class CallbackRecord {
        @Test
        void recordsTheDeliveryOnAnExistingJobOnlyAndNeverRecreatesAnExpiredOne() {
            submit("job-cb");
            String json = "{\"url\":\"https://hooks.example/x\",\"state\":\"sending\",\"attempts\":1}";
            Reply r = run("callback-record", List.of(KEYS.job("job-cb")), json);
            assertEquals(Code.OK, r.code());
            assertEquals(json, field("job-cb", "callback"));
            assertEquals("queued", field("job-cb", "status"), "nothing else on the hash changes");

            Reply gone = run("callback-record", List.of(KEYS.job("job-expired")), json);
            assertEquals(Code.UNKNOWN, gone.code());
            boolean recreated = redis.client().call(j -> j.exists(KEYS.job("job-expired")));
            assertFalse(recreated, "an expired job does not come back as a bare record");
        }
    }
}
