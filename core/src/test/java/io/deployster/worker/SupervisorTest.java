package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.queue.Fetcher;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.run.LeaseGate;
import io.deployster.run.LeaseWatchdog;
import io.deployster.run.Posix;
import io.deployster.run.Subreaper;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The supervisor alone, with no job of its own running: what it keeps doing in the background for the
 * other workers' sake (heartbeat, sweep of lapsed leases, take-over of abandoned entries). Lost-after is
 * 500 ms, so it sweeps every 100 ms.
 */
class SupervisorTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();
    private final JobQueue queue = JobQueue.create(redis.client(), keys, QueueSettings.DEFAULT.withLockTtl(Duration.ofSeconds(1)), null);
    private final WorkerOptions options = new WorkerOptions("supervised", List.of("deploy"), 1, Duration.ofSeconds(2), 16 * 1024,
            Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(200));
    private final List<WorkerEvents.Loss> losses = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(Threads.daemon("test-job"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-timeouts"));
    private final LeaseWatchdog watchdog = LeaseWatchdog.start(id -> { });
    private final Fetcher fetcher = new Fetcher(redis.client(), keys, options.name(), options.queues(), options.claimIdle());
    private Supervisor supervisor;

    private Supervisor start() {
        WorkerEvents events = new WorkerEvents() {
            @Override
            public void lost(Loss why) {
                losses.add(why);
            }
        };
        LeaseKeeper leases = new LeaseKeeper(queue, queue.settings().lockTtl(), watchdog, LeaseGate.measure(), threads);
        RunnerPool pool = new RunnerPool(options.concurrency(), threads, timers, (job, onEnd) -> {
            throw new AssertionError("no job is run by this supervisor's worker in these tests");
        }, leases, events);
        fetcher.joinGroups();
        supervisor = new Supervisor(redis.client(), queue, options, leases, pool, fetcher, Subreaper.install(Posix.load()), events);
        supervisor.start();
        return supervisor;
    }

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
        watchdog.close();
        threads.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void theWorkerIsShownAliveFromTheStartAndUntilItStops() {
        start();

        assertTrue(redis.client().<Boolean>call(j -> j.exists(keys.worker("supervised"))), "alive at once, before the first period");
        String description = redis.client().call(j -> j.hget(keys.workers(), "supervised"));
        assertTrue(description != null && description.contains("deploy"), "the heartbeat names the queues served: " + description);
        Await.until("the heartbeat outlives its own 500 ms TTL, being renewed", Duration.ofSeconds(5), () -> {
            Long ttl = redis.client().call(j -> j.pttl(keys.worker("supervised")));
            return ttl != null && ttl > 0 && ttl <= 500;
        });

        supervisor.close();

        Await.until("a closed supervisor stops renewing, so its worker shows as gone", Duration.ofSeconds(5),
                () -> !redis.client().<Boolean>call(j -> j.exists(keys.worker("supervised"))));
    }

    @Test
    void aJobWhoseLeaseRanOutOnAnotherWorkerIsMarkedLostAndItsLockFreed() {
        String id = queue.submit(JobSpec.commands("shop", "/srv/shop", List.of("sleep 60")).build());
        String spec = JobCodec.specJson(JobSpec.commands("shop", "/srv/shop", List.of("sleep 60")).build());
        // started by a worker that then died: nobody renews the one-second lease
        assertEquals(JobQueue.Decision.RUN, queue.start(id, "dead-worker", "deploy", "0-1", Map.of("job", id, "spec", spec), "shop").decision());

        start();

        Await.until("the sweep marks job " + id + " lost", Duration.ofSeconds(10), () -> queue.status(id).status() == JobStatus.LOST);
        JobState lost = queue.status(id);
        assertTrue(lost.reason() != null && lost.reason().contains("lease"), "the reason says why: " + lost.reason());
        assertTrue(losses.contains(WorkerEvents.Loss.LEASE_EXPIRED), "told to the metrics: " + losses);
        assertNull(redis.client().<String>call(j -> j.get(keys.lock("shop"))), "the project is free again");
    }

    @Test
    void anEntryTakenByADeadWorkerAndNeverStartedIsTakenOverWhenThereIsRoom() {
        String id = queue.submit(JobSpec.commands("shop", "/srv/shop", List.of("true")).build());
        Fetcher dead = new Fetcher(redis.client(), keys, "dead-worker", List.of("deploy"), Duration.ofSeconds(30));
        dead.joinGroups();
        assertEquals(id, dead.next(1).jobId());

        start();

        Await.until("the abandoned entry is in this worker's backlog", Duration.ofSeconds(10), () -> fetcher.backlog() == 1);
        assertEquals(id, fetcher.next(1).jobId());
    }
}
