package io.deployster.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.deployster.job.JobSpec;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fetcher alone, as one worker's consumer in the queues' groups, against a real Redis. */
class FetcherTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final JobQueue queue = JobQueue.create(redis.client(), Keys.defaults(), QueueSettings.DEFAULT, null);

    private String submit(String project, String queueName) {
        return queue.submit(JobSpec.commands(project, "/tmp", List.of("true")).queue(queueName).build());
    }

    private Fetcher fetcher(String consumer, Duration claimIdle, String... queues) {
        Fetcher fetcher = new Fetcher(redis.client(), Keys.defaults(), consumer, List.of(queues), claimIdle);
        fetcher.joinGroups();
        return fetcher;
    }

    private static List<String> drain(Fetcher fetcher, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            QueueEntry entry = fetcher.next(count);
            assertNotNull(entry, "entry " + (i + 1) + " of " + count);
            ids.add(entry.jobId());
        }
        return ids;
    }

    @Test
    void entriesQueuedBeforeAnyWorkerJoinedAreServedInQueueOrder() {
        List<String> submitted = List.of(submit("a", "deploy"), submit("b", "deploy"), submit("c", "deploy"));

        Fetcher fetcher = fetcher("w1", Duration.ofSeconds(30), "deploy");

        assertEquals(submitted, drain(fetcher, 3));
    }

    @Test
    void oneReadTakesAtMostTheRoomGivenAndKeepsTheRestForLater() {
        submit("a", "deploy");
        submit("b", "deploy");
        submit("c", "deploy");
        Fetcher fetcher = fetcher("w1", Duration.ofSeconds(30), "deploy");

        QueueEntry first = fetcher.next(2);

        assertNotNull(first);
        assertEquals(1, fetcher.backlog(), "read two (the room given), handed out one");
        assertEquals("deploy", first.queue());
        fetcher.next(2);
        assertEquals(0, fetcher.backlog());
        assertNotNull(fetcher.next(1), "the third entry is still in Redis for the next read");
    }

    @Test
    void readsEveryQueueItServesAndNoOther() {
        String build = submit("a", "build");
        String deploy = submit("b", "deploy");
        submit("c", "elsewhere");
        Fetcher fetcher = fetcher("w1", Duration.ofSeconds(30), "build", "deploy");

        List<String> taken = drain(fetcher, 2);

        assertEquals(Set.of(build, deploy), Set.copyOf(taken));
        assertNull(fetcher.next(1), "nothing more on the queues it serves; the read blocks its second and returns empty");
    }

    @Test
    void twoConsumersOfOneQueueNeverGetTheSameEntry() {
        for (int i = 0; i < 6; i++) {
            submit("p" + i, "deploy");
        }
        Fetcher one = fetcher("w1", Duration.ofSeconds(30), "deploy");
        Fetcher two = fetcher("w2", Duration.ofSeconds(30), "deploy");

        List<String> all = new ArrayList<>(drain(one, 3));
        all.addAll(drain(two, 3));

        assertEquals(6, all.stream().distinct().count(), "each entry delivered once: " + all);
    }

    @Test
    void anEntryLeftUnackedByADeadConsumerIsTakenOverAfterClaimIdle() {
        String id = submit("a", "deploy");
        Fetcher dead = fetcher("dead-worker", Duration.ofSeconds(30), "deploy");
        assertEquals(id, dead.next(1).jobId()); // read, then never started nor rejected: its worker died
        Fetcher survivor = fetcher("w2", Duration.ofMillis(200), "deploy");

        Await.until("the survivor takes over the abandoned entry", Duration.ofSeconds(10), () -> {
            survivor.claimAbandoned(1);
            return survivor.backlog() == 1;
        });

        assertEquals(id, survivor.next(1).jobId());
        survivor.claimAbandoned(1);
        assertEquals(0, survivor.backlog(), "an entry already in the backlog is not taken twice");
    }

    @Test
    void aRestartedWorkerTakesBackAtOnceWhatItsCrashedRunReadAndNeverActedOn() {
        String first = submit("a", "deploy");
        String second = submit("b", "deploy");
        Fetcher crashed = fetcher("vps-1", Duration.ofSeconds(30), "deploy");
        assertEquals(first, crashed.next(2).jobId()); // both read, one handed out; then the process died
        Fetcher restarted = fetcher("vps-1", Duration.ofSeconds(30), "deploy");

        restarted.resumeOwn();

        assertEquals(List.of(first, second), drain(restarted, 2), "in queue order, without waiting the 30 s claim idle");
        assertNull(restarted.next(1), "nothing read twice");
    }

    @Test
    void noRoomTakesNothingOver() {
        submit("a", "deploy");
        fetcher("dead-worker", Duration.ofSeconds(30), "deploy").next(1);
        Fetcher survivor = fetcher("w2", Duration.ZERO, "deploy");

        survivor.claimAbandoned(0);

        assertEquals(0, survivor.backlog());
    }

    @Test
    void aRedisThatLostItsDataHasTheGroupsMadeAgainAndServesNewEntries() {
        Fetcher fetcher = fetcher("w1", Duration.ofSeconds(30), "deploy");
        redis.client().run(j -> j.flushAll()); // a restart without persistence

        assertThrows(RuntimeException.class, () -> fetcher.next(1), "the read fails once: the group is gone");
        String id = submit("a", "deploy");

        assertEquals(id, fetcher.next(1).jobId(), "the group was created again and serves what is queued from now on");
    }
}
