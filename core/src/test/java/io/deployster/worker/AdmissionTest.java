package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.Fetcher;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueEntry;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.testing.RealRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

/**
 * Admission alone: each entry a worker takes is run, or recorded with the status and reason a user
 * reads in {@code deployster status}, and acknowledged. The worker's read loop is this test.
 */
class AdmissionTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();
    private final List<WorkerEvents.Refusal> refusals = new ArrayList<>();
    private final WorkerEvents events = new WorkerEvents() {
        @Override
        public void rejected(String queue, Refusal why) {
            refusals.add(why);
        }
    };

    private JobQueue queue(JobSigner signer) {
        return JobQueue.create(redis.client(), keys, QueueSettings.DEFAULT, signer);
    }

    private static JobSigner signer(char fill) {
        byte[] secret = new byte[SigningKey.MIN_BYTES];
        Arrays.fill(secret, (byte) fill);
        return new JobSigner(new KeyRing(List.of(new SigningKey("k-" + fill, secret))), Clock.systemUTC(), Duration.ofMinutes(10));
    }

    private QueueEntry take() {
        Fetcher fetcher = new Fetcher(redis.client(), keys, "w1", List.of("deploy"), Duration.ofSeconds(30));
        fetcher.joinGroups();
        QueueEntry entry = fetcher.next(1);
        assertTrue(entry != null, "an entry to admit");
        return entry;
    }

    private static JobSpec job(String project) {
        return JobSpec.commands(project, "/srv/" + project, List.of("true")).build();
    }

    private long pending() {
        return redis.client().call(j -> j.xpending(keys.queue("deploy"), Keys.GROUP).getTotal());
    }

    @Test
    void aValidJobWithAFreeProjectRunsHoldingTheLockUnderTheFirstFencingToken() {
        JobQueue queue = queue(null);
        String id = queue.submit(job("shop"));

        Optional<Admission.Admitted> admitted = new Admission(queue, null, "w1", events).admit(take());

        assertTrue(admitted.isPresent());
        assertEquals(id, admitted.get().id());
        assertEquals(JobQueue.Decision.RUN, admitted.get().start().decision());
        assertEquals(1, admitted.get().start().fencingToken());
        assertEquals(JobStatus.RUNNING, queue.status(id).status());
        assertEquals(id, redis.client().call(j -> j.get(keys.lock("shop"))));
        assertEquals(0, pending(), "the entry is acknowledged with the start");
    }

    @Test
    void aJobWhoseProjectIsBusyWaitsAndHoldsNoSlot() {
        JobQueue queue = queue(null);
        Admission admission = new Admission(queue, null, "w1", events);
        String first = queue.submit(job("shop"));
        String second = queue.submit(job("shop"));
        admission.admit(take());

        Optional<Admission.Admitted> admitted = admission.admit(take());

        assertTrue(admitted.isEmpty(), "nothing to run now");
        assertEquals(JobStatus.WAITING, queue.status(second).status());
        assertEquals(first, redis.client().call(j -> j.get(keys.lock("shop"))));
        assertEquals(List.of(), refusals);
    }

    @Test
    void anEntryWithoutAValidJobIdIsRecordedAsANewFailedJobNamingTheField() {
        JobQueue queue = queue(null);
        redis.client().run(j -> j.xadd(keys.queue("deploy"), StreamEntryID.NEW_ENTRY, Map.of("job", "../etc", "spec", "{}")));

        assertTrue(new Admission(queue, null, "w1", events).admit(take()).isEmpty());

        assertEquals(List.of(WorkerEvents.Refusal.INVALID_ENTRY), refusals);
        List<String> jobs = new ArrayList<>(redis.client().call(j -> j.keys(keys.jobPattern())));
        assertEquals(1, jobs.size(), "one record for the entry: " + jobs);
        JobState recorded = queue.status(Keys.tagOf(jobs.get(0)));
        assertEquals(JobStatus.FAILED, recorded.status());
        assertTrue(recorded.reason().contains("has no valid job id (field 'job')"), recorded.reason());
        assertEquals(0, pending());
    }

    @Test
    void anInvalidSpecFailsNamingTheFieldTheValueAndWhatIsAllowed() {
        JobQueue queue = queue(null);
        redis.client().run(j -> j.xadd(keys.queue("deploy"), StreamEntryID.NEW_ENTRY,
                Map.of("job", "20261201T000000Z-abcdef", "spec", "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"relative\",\"commands\":[\"true\"]}")));

        assertTrue(new Admission(queue, null, "w1", events).admit(take()).isEmpty());

        JobState state = queue.status("20261201T000000Z-abcdef");
        assertEquals(JobStatus.FAILED, state.status());
        assertTrue(state.reason().contains("field 'cd': value 'relative' is not allowed; use an absolute path"), state.reason());
        assertEquals(List.of(WorkerEvents.Refusal.INVALID_SPEC), refusals);
        assertEquals(0, pending());
    }

    @Test
    void aWorkerWithKeysRejectsAnUnsignedJobAndOneSignedWithAnotherKey() {
        String unsigned = queue(null).submit(job("shop"));
        String foreign = queue(signer('b')).submit(job("blog"));
        JobQueue worker = queue(signer('a'));
        Admission admission = new Admission(worker, null, "w1", events);

        assertTrue(admission.admit(take()).isEmpty());
        assertTrue(admission.admit(take()).isEmpty());

        JobState a = worker.status(unsigned);
        JobState b = worker.status(foreign);
        assertEquals(JobStatus.REJECTED, a.status());
        assertEquals(JobStatus.REJECTED, b.status());
        assertNotEquals(a.reason(), b.reason(), "each says what was wrong: " + a.reason() + " / " + b.reason());
        assertEquals(List.of(WorkerEvents.Refusal.REFUSED, WorkerEvents.Refusal.REFUSED), refusals);
        assertTrue(redis.client().call(j -> j.get(keys.lock("shop"))) == null, "a rejected job never takes the lock");
    }

    @Test
    void aJobOutsideThePolicyIsRejectedWithTheRuleItBroke() {
        JobQueue queue = queue(null);
        String id = queue.submit(job("wiki"));
        WorkerPolicy policy = WorkerPolicy.of(Map.of("projects", "shop, blog"));

        assertTrue(new Admission(queue, policy, "w1", events).admit(take()).isEmpty());

        JobState state = queue.status(id);
        assertEquals(JobStatus.REJECTED, state.status());
        assertTrue(state.reason().contains("project 'wiki' is not served here"), state.reason());
        assertEquals(List.of(WorkerEvents.Refusal.REFUSED), refusals);
    }

    @Test
    void aSecondDeliveryOfAnEndedJobIsSkippedWithoutARecordOrARefusal() {
        JobQueue queue = queue(null);
        String id = queue.submit(job("shop"));
        QueueEntry entry = take();
        Admission admission = new Admission(queue, null, "w1", events);
        admission.admit(entry);
        queue.finish(id, "shop", JobStatus.SUCCEEDED, 0, null, null);

        assertTrue(admission.admit(entry).isEmpty(), "the same entry delivered again");

        assertEquals(JobStatus.SUCCEEDED, queue.status(id).status());
        assertEquals(List.of(), refusals);
    }

    @Test
    void aCapturedSignedEntryReplayedAfterItsJobExpiredIsRejectedAsAReplay() {
        JobSigner signer = signer('a');
        JobQueue queue = queue(signer);
        String id = queue.submit(job("shop"));
        QueueEntry entry = take();
        Admission admission = new Admission(queue, null, "w1", events);
        admission.admit(entry);
        queue.finish(id, "shop", JobStatus.SUCCEEDED, 0, null, null);
        redis.client().run(j -> j.del(keys.job(id))); // the job's record expired; the signature is still valid
        redis.client().run(j -> j.xadd(keys.queue("deploy"), StreamEntryID.NEW_ENTRY, entry.fields()));

        assertTrue(admission.admit(take()).isEmpty());

        JobState state = queue.status(id);
        assertEquals(JobStatus.REJECTED, state.status());
        assertTrue(state.reason().startsWith("replayed: job " + id), state.reason());
        assertEquals(List.of(WorkerEvents.Refusal.REPLAYED), refusals);
    }
}
