package io.deployster.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.queue.JobQueue.Decision;
import io.deployster.queue.JobQueue.Lease;
import io.deployster.queue.JobQueue.LeaseState;
import io.deployster.redis.Keys;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lock's life cycle script by script, against a real Redis, with this test in the worker's place:
 * the start order is the submit order, a lock passes on only once its lease is over, and every grant
 * gets the next fencing token.
 */
class LeaseAndOrderTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final JobQueue queue = JobQueue.create(redis.client(), Keys.defaults(), QueueSettings.DEFAULT, null);

    private String submit(String project) {
        return queue.submit(JobSpec.commands(project, "/tmp", List.of("true")).build());
    }

    private JobQueue.Start start(String id, String project) {
        Map<String, String> entry = Map.of("job", id, "spec", JobCodec.specJson(JobSpec.commands(project, "/tmp", List.of("true")).build()));
        return queue.start(id, "w1", "deploy", "0-1", entry, project);
    }

    private String holder(String project) {
        return redis.client().call(j -> j.get(Keys.defaults().lock(project)));
    }

    @Test
    void jobsStartInSubmitOrderWhateverOrderWorkersTakeTheirEntriesIn() {
        String a = submit("shop");
        String b = submit("shop");
        String c = submit("shop");

        // a second worker thread got c's entry first
        assertEquals(Decision.WAIT, start(c, "shop").decision(), "c must not overtake a and b");
        assertEquals(a, holder("shop"), "the free lock went to the oldest job not started");
        JobQueue.Start first = start(a, "shop");
        assertEquals(Decision.RUN, first.decision());
        assertEquals(1, first.fencingToken());
        assertEquals(Decision.WAIT, start(b, "shop").decision());

        queue.finish(a, "shop", JobStatus.SUCCEEDED, 0, null, null);
        assertEquals(b, holder("shop"), "the lock passes to b, next in submit order, not to c which was parked first");
        JobQueue.Start second = start(b, "shop");
        assertEquals(Decision.RUN, second.decision());
        assertEquals(2, second.fencingToken(), "each grant gets the next fencing token");
        queue.finish(b, "shop", JobStatus.SUCCEEDED, 0, null, null);
        assertEquals(3, start(c, "shop").fencingToken());
        assertEquals(3L, queue.status(c).fencingToken(), "the token is recorded on the job");
    }

    @Test
    void aNewJobCannotTakeAnExpiredLockAheadOfAJobAlreadyWaiting() {
        String a = submit("shop");
        assertEquals(Decision.RUN, start(a, "shop").decision());
        String b = submit("shop");
        assertEquals(Decision.WAIT, start(b, "shop").decision());
        redis.client().run(j -> j.del(Keys.defaults().lock("shop"))); // a's worker died; its lease ran out

        String c = submit("shop");
        assertEquals(Decision.WAIT, start(c, "shop").decision(), "c arrived last: it must not take the free lock before the sweep");
        assertEquals(b, holder("shop"));
        assertEquals(Decision.RUN, start(b, "shop").decision());
    }

    @Test
    void aJobGrantedTheLockStaysFirstWhenItsGrantLapsesBeforeItStarts() {
        String a = submit("shop");
        String b = submit("shop");
        String c = submit("shop");
        assertEquals(Decision.RUN, start(a, "shop").decision());
        queue.finish(a, "shop", JobStatus.SUCCEEDED, 0, null, null);
        assertEquals(b, holder("shop"), "b is granted the lock while still queued");
        redis.client().run(j -> j.del(Keys.defaults().lock("shop"))); // its grant lapsed: no sweep kept it alive

        assertEquals(Decision.WAIT, start(c, "shop").decision(), "c must not overtake b");
        assertEquals(b, holder("shop"), "b is granted the lock again");
        assertEquals(Decision.RUN, start(b, "shop").decision());
    }

    @Test
    void aRunningJobIsLostOnlyOnceItsLeaseRanOutAndOnlyThenTheLockPassesOn() {
        String a = submit("shop");
        assertEquals(Decision.RUN, start(a, "shop").decision());
        String b = submit("shop");
        assertEquals(Decision.WAIT, start(b, "shop").decision());

        // no worker heartbeat at all, but the lease still holds: nothing may happen
        JobQueue.Sweep early = queue.sweep();
        assertEquals(List.of(), early.lost());
        assertEquals(JobStatus.RUNNING, queue.status(a).status());
        assertEquals(a, holder("shop"));

        redis.client().run(j -> j.del(Keys.defaults().lock("shop"))); // the lease ran out
        JobQueue.Sweep late = queue.sweep();
        assertEquals(List.of(a), late.lost());
        assertEquals(List.of(b), late.handedOver());
        assertEquals(JobStatus.LOST, queue.status(a).status());
        assertTrue(queue.status(a).reason().contains("the lease of this job (the lock of project shop, 30 s) ran out"),
                queue.status(a).reason());
        assertEquals(b, holder("shop"));
    }

    @Test
    void aJobHandedTheLockGetsAWholeLeaseOfItsOwnWorkersLengthWhenItStarts() {
        JobQueue shortLease = JobQueue.create(redis.client(), Keys.defaults(), QueueSettings.DEFAULT.withLockTtl(Duration.ofSeconds(1)), null);
        String a = submit("shop");
        String b = submit("shop");
        assertEquals(Decision.RUN, start(a, "shop").decision());
        shortLease.finish(a, "shop", JobStatus.SUCCEEDED, 0, null, null); // a worker with a 1 s lease hands the lock to b
        assertEquals(b, holder("shop"));

        assertEquals(Decision.RUN, start(b, "shop").decision()); // b starts on a worker with a 30 s lease
        long ttl = redis.client().call(j -> j.pttl(Keys.defaults().lock("shop")));
        assertTrue(ttl > 25_000, "the lease starts at b's start, at its worker's length: " + ttl + " ms left");
    }

    @Test
    void renewalsSayWhetherEachLeaseIsHeldRetakenLostOrEnded() {
        String held = submit("p1");
        String retaken = submit("p2");
        String lost = submit("p3");
        String ended = submit("p4");
        List<Lease> leases = new ArrayList<>();
        for (String[] job : new String[][] {{held, "p1"}, {retaken, "p2"}, {lost, "p3"}, {ended, "p4"}}) {
            leases.add(new Lease(job[1], job[0], start(job[0], job[1]).fencingToken()));
        }
        redis.client().run(j -> j.del(Keys.defaults().lock("p2"))); // lapsed, and nobody was granted it since
        redis.client().run(j -> {
            j.set(Keys.defaults().lock("p3"), "20990101-000000-othrjob1");
            j.incr(Keys.defaults().fence("p3"));
        });
        queue.finish(ended, "p4", JobStatus.LOST, null, null, "marked lost elsewhere");
        assertEquals(JobQueue.CancelOutcome.REQUESTED, queue.cancel(held, "operator pressed stop"));

        List<JobQueue.Renewal> renewals = queue.renew(leases);
        assertEquals(List.of(LeaseState.HELD, LeaseState.RETAKEN, LeaseState.LOST, LeaseState.ENDED),
                renewals.stream().map(JobQueue.Renewal::lease).toList());
        assertEquals("operator pressed stop", renewals.get(0).cancelReason());
        assertNull(renewals.get(1).cancelReason());
        assertEquals(retaken, holder("p2"));
        long ttl = redis.client().call(j -> j.pttl(Keys.defaults().lock("p1")));
        assertTrue(ttl > 25_000, "renewed for a whole lease: " + ttl + " ms left");
    }
}
