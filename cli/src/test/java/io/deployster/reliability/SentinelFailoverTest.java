package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.SentinelCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/**
 * kill -9 of the Redis primary under a Sentinel deployment (a replica, three sentinels) while jobs
 * are queued, one runs and streams its output, and a follower reads it; the worker is a real process.
 * The long variant queues 500 jobs: -Pstress.
 */
class SentinelFailoverTest {
    private static final String DURABLE = "min-replicas-acked=1&replica-ack-timeout=2s";
    private static final String[] WORKER_ARGS = {"--concurrency", "4", "--lock-ttl", "10s", "--lost-after", "5s", "--claim-idle", "3s"};

    // kept when a test fails: the redis, sentinel and worker logs are in it
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void noAcknowledgedJobNoLineAndNoLockIsLost() throws Exception {
        int jobs = Integer.getInteger("deployster.failover.jobs", 120);
        try (SentinelCluster cluster = SentinelCluster.start(dir.resolve("redis"));
             Redis redis = Redis.connect(cluster.uri(DURABLE));
             Deployment deployment = new Deployment(cluster.uri(DURABLE));
             WorkerProcess worker = WorkerProcess.start(redis, dir, "w1", WORKER_ARGS)) {
            Path go = dir.resolve("go");
            Path ran = dir.resolve("ran.txt");
            // numbered lines until the test says go (after the failover), then 100 more
            String streaming = deployment.client.submit(JobSpec.commands("stream", dir.toString(), List.of(
                    "i=0; while [ ! -e " + go + " ]; do i=$((i+1)); echo line $i; sleep 0.005; done; "
                            + "for k in $(seq 1 100); do i=$((i+1)); echo line $i; done")).build());
            List<LogEntry> followed = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<JobState> follower = CompletableFuture.supplyAsync(() -> {
                try {
                    return deployment.client.follow(streaming, LogFollower.START, followed::add);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                // every submit returned: acknowledged, and confirmed by the replica
                queued.add(deployment.client.submit(JobSpec.commands("app-" + i % 8, dir.toString(), List.of(
                        "echo $DEPLOYSTER_JOB_ID >> " + ran, "sleep 0.05")).build()));
            }
            Await.until("some jobs ran and the streaming job printed lines", Duration.ofSeconds(60),
                    () -> lines(followed) >= 50 && ranIds(ran).size() >= 5);

            long killed = System.nanoTime();
            cluster.killPrimary();
            // from here on (the old primary's process is gone) a start can only happen on the new primary
            long killedAt = System.currentTimeMillis();
            cluster.awaitReplicaPromoted(Duration.ofSeconds(30));
            long promotedMillis = (System.nanoTime() - killed) / 1_000_000;
            cluster.restartOldPrimaryAsReplica();
            Files.createFile(go);

            JobState streamed = follower.get();
            assertTrue(streamed.status() == JobStatus.SUCCEEDED || (streamed.status() == JobStatus.LOST && !streamed.reason().isEmpty()),
                    "the running job finishes or is reported lost with a reason: " + streamed.status() + " " + streamed.reason());
            assertLinesOnceAndGapsReported(followed);

            awaitEnded(deployment, queued, worker);
            for (String id : queued) {
                JobState state = deployment.client.status(id);
                assertEquals(JobStatus.SUCCEEDED, state.status(), "acknowledged job " + id + ": " + state.reason());
            }
            Map<String, Integer> runs = runCounts(ran);
            for (String id : queued) {
                assertEquals(1, runs.getOrDefault(id, 0), "acknowledged job " + id + " ran exactly once");
            }
            assertEquals(Set.copyOf(queued), runs.keySet(), "nothing but the acknowledged jobs ran");
            assertNoLockHeldByAJobNotRunning(cluster);
            assertFalse(worker.output().contains("marked lost"), worker.output());

            long firstStart = firstStartAfter(cluster, killedAt);
            System.out.printf("failover with %d jobs: replica promoted %d ms after kill -9 of the primary; first job started on "
                    + "the new primary %d ms after the kill; running job %s%n", jobs, promotedMillis, firstStart - killedAt,
                    streamed.status().wireName());
        }
    }

    @Test
    void aBusyProjectsLockHandedOverDuringTheFailoverPassesOnInOrder() throws Exception {
        try (SentinelCluster cluster = SentinelCluster.start(dir.resolve("redis"));
             Redis redis = Redis.connect(cluster.uri(DURABLE));
             Deployment deployment = new Deployment(cluster.uri(DURABLE));
             WorkerProcess worker = WorkerProcess.start(redis, dir, "w1", WORKER_ARGS)) {
            Path release = dir.resolve("release");
            Path order = dir.resolve("order.txt");
            // the first job holds the lock until released; the rest wait for it, in submit order
            String holder = deployment.client.submit(JobSpec.commands("busy", dir.toString(), List.of(
                    "while [ ! -e " + release + " ]; do sleep 0.005; done; echo first >> " + order)).build());
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(deployment.client.submit(JobSpec.commands("busy", dir.toString(), List.of("echo " + i + " >> " + order)).build()));
            }
            Await.until("the other jobs wait for the lock", Duration.ofSeconds(30),
                    () -> waiting.stream().allMatch(id -> deployment.client.status(id).status() == JobStatus.WAITING));

            // the holder ends and its finish hands the lock on while the primary dies
            Files.createFile(release);
            cluster.killPrimary();
            cluster.awaitReplicaPromoted(Duration.ofSeconds(30));
            cluster.restartOldPrimaryAsReplica();

            awaitEnded(deployment, waiting, worker);
            JobState first = deployment.client.status(holder);
            assertTrue(first.status() == JobStatus.SUCCEEDED || (first.status() == JobStatus.LOST && !first.reason().isEmpty()),
                    first.status() + " " + first.reason());
            for (String id : waiting) {
                JobState state = deployment.client.status(id);
                assertEquals(JobStatus.SUCCEEDED, state.status(), "waiting job " + id + ": " + state.reason());
            }
            List<String> ran = Files.readAllLines(order);
            assertEquals(List.of("first", "0", "1", "2", "3", "4"), ran, "each ran once, in submit order");
            assertNoLockHeldByAJobNotRunning(cluster);
            assertFalse(worker.output().contains("marked lost"), worker.output());
        }
    }

    /** Waits for every job to end; a client call failing while the client has not seen the failover yet counts as "not yet". */
    private static void awaitEnded(Deployment deployment, List<String> ids, WorkerProcess worker) {
        List<String> open = new ArrayList<>(ids);
        try {
            Await.until("all jobs ended", Duration.ofSeconds(120), () -> {
                try {
                    open.removeIf(id -> {
                        JobState s = deployment.client.status(id);
                        return s != null && s.status() != JobStatus.QUEUED && s.status() != JobStatus.WAITING && s.status() != JobStatus.RUNNING;
                    });
                    return open.isEmpty();
                } catch (RuntimeException notFailedOverYet) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": still open " + open.subList(0, Math.min(5, open.size())) + " of " + open.size()
                    + "; worker output:\n" + worker.output(), e);
        }
    }

    private static long lines(List<LogEntry> followed) {
        synchronized (followed) {
            return followed.stream().filter(LogEntry::isLine).count();
        }
    }

    /** Lines "line N" come in increasing order, none twice; a jump in N only right after a reported gap. */
    private static void assertLinesOnceAndGapsReported(List<LogEntry> followed) {
        int last = 0;
        boolean gapReported = false;
        int gaps = 0;
        for (LogEntry e : followed) {
            if ("gap".equals(e.event())) {
                gapReported = true;
                gaps++;
            } else if (e.isLine()) {
                int n = Integer.parseInt(e.text().substring("line ".length()));
                assertTrue(n > last, "line " + n + " after line " + last + ": a duplicate or out of order");
                assertTrue(n == last + 1 || gapReported, "lines " + (last + 1) + " to " + (n - 1) + " missing without a gap entry");
                last = n;
                gapReported = false;
            }
        }
        assertTrue(last > 100, "the follower saw the job's output: " + last + " lines");
        System.out.printf("follower: %d lines, %d gap(s) reported%n", last, gaps);
    }

    private static List<String> ranIds(Path ran) {
        try {
            return Files.exists(ran) ? Files.readAllLines(ran) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Integer> runCounts(Path ran) {
        Map<String, Integer> counts = new HashMap<>();
        for (String id : ranIds(ran)) {
            counts.merge(id, 1, Integer::sum);
        }
        return counts;
    }

    /** What an operator checks on the new primary: every project lock names a job that is running. */
    private static void assertNoLockHeldByAJobNotRunning(SentinelCluster cluster) {
        Keys keys = Keys.defaults();
        try (Jedis primary = SentinelCluster.direct(cluster.currentPrimary().getPort())) {
            for (String lock : scan(primary, keys.lock("*"))) {
                String holder = primary.get(lock);
                String status = holder == null ? null : primary.hget(keys.job(holder), "status");
                assertEquals("running", status, lock + " is held by job " + holder + ", which is " + status);
            }
        }
    }

    private static long firstStartAfter(SentinelCluster cluster, long killedAt) {
        Keys keys = Keys.defaults();
        long first = Long.MAX_VALUE;
        try (Jedis primary = SentinelCluster.direct(cluster.currentPrimary().getPort())) {
            for (String key : scan(primary, keys.job("*"))) {
                String started = primary.hget(key, "startedAt");
                if (started != null && Long.parseLong(started) >= killedAt) {
                    first = Math.min(first, Long.parseLong(started));
                }
            }
        }
        assertTrue(first != Long.MAX_VALUE, "a job started after the kill");
        return first;
    }

    private static List<String> scan(Jedis jedis, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            var page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!"0".equals(cursor));
        return keys;
    }
}
