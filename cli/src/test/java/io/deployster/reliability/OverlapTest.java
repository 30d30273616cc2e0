package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.queue.JobQueue.CancelOutcome;
import io.deployster.log.LogFollower;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.HostProcesses;
import io.deployster.testing.RealRedis;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two deploys of one project never overlap, whatever ends the first: a timeout or cancel while a child
 * ignores TERM, a child that left the job's session, a worker stopped for longer than the lease, a
 * Redis outage longer than the lease. Job A writes a timestamped mark every 50 ms from a child process;
 * job B of the same project records when it started; no mark of A may come after that.
 */
// alone: its worker JVMs must not compete for the CPU with another class's, or a starved worker fences its job
@Isolated
class OverlapTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private final List<WorkerProcess> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (WorkerProcess w : workers) {
            w.signal("CONT");
            w.close();
        }
    }

    private WorkerProcess worker(Redis redis, String name, String... args) throws Exception {
        WorkerProcess w = WorkerProcess.start(redis, dir, name, args);
        workers.add(w);
        return w;
    }

    /** A child that ignores TERM and writes a mark every 50 ms; {@code detach} moves it to a session of its own. */
    private String marking(boolean detach) {
        String loop = "trap \\\"\\\" TERM; while true; do date +%s%N >> " + dir.resolve("a.marks") + "; sleep 0.05; done";
        return detach ? "(setsid sh -c \"" + loop + "\" &); sleep 300" : "sh -c \"" + loop + "\" & wait";
    }

    private JobSpec.Builder jobB(String queue) {
        return JobSpec.commands("ov", dir.toString(), List.of("date +%s%N > " + dir.resolve("b.start"))).queue(queue);
    }

    private void awaitMarks() {
        Await.until("A writing marks", Duration.ofSeconds(30), () -> Files.exists(dir.resolve("a.marks")));
    }

    /**
     * Asserts B started after A's last mark, prints the margin (the figure docs/design.md reports) and
     * returns how many marks A wrote.
     */
    private int assertNoMarkAfterB(String failure) throws Exception {
        long bStart = Long.parseLong(Files.readString(dir.resolve("b.start")).trim());
        List<Long> marks = Files.readAllLines(dir.resolve("a.marks")).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
        long after = marks.stream().filter(m -> m > bStart).count();
        assertEquals(0, after, after + " of A's " + marks.size() + " marks came after B started: the deploys overlapped");
        long margin = bStart - marks.stream().mapToLong(Long::longValue).max().orElse(bStart);
        System.out.printf("overlap check, %s: 0 of %d marks of A after B started; A's last mark %.0f ms before B started%n",
                failure, marks.size(), margin / 1e6);
        return marks.size();
    }

    @ParameterizedTest(name = "{0}, child {1}")
    @CsvSource({"timeout, in the job's process group", "timeout, in a session of its own (setsid, double fork)",
            "cancel, in the job's process group", "cancel, in a session of its own (setsid, double fork)"})
    void aJobEndsAndHandsOnItsLockOnlyOnceEveryProcessOfItIsGone(String stopBy, String child) throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            worker(redis.client(), "w1", "--concurrency", "2", "--kill-grace", "2s");
            JobSpec.Builder a = JobSpec.commands("ov", dir.toString(), List.of(marking(child.contains("setsid"))));
            if (stopBy.equals("timeout")) {
                a.timeoutSeconds(2);
            }
            String idA = deployment.client.submit(a.build());
            awaitMarks();
            String idB = deployment.client.submit(jobB("deploy").build());
            if (stopBy.equals("cancel")) {
                assertEquals(CancelOutcome.REQUESTED, deployment.client.cancel(idA, "operator pressed stop"));
            }

            JobState stateA = deployment.client.await(idA);
            assertEquals(stopBy.equals("timeout") ? JobStatus.TIMED_OUT : JobStatus.CANCELLED, stateA.status(), stateA.reason());
            assertEquals(List.of(), HostProcesses.ofJob(idA), "A is recorded ended only once its processes are gone");
            JobState stateB = deployment.client.await(idB);
            assertEquals(JobStatus.SUCCEEDED, stateB.status(), stateB.reason());
            assertTrue(!stateB.startedAt().isBefore(stateA.endedAt()), "B started after A ended");
            assertTrue(assertNoMarkAfterB(stopBy + ", child " + child) > 0);
        }
    }

    @Test
    void aDaemonLeftRunningByASuccessfulJobIsStoppedBeforeTheNextJobStarts() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            worker(redis.client(), "w1", "--kill-grace", "1s");
            String idA = deployment.client.submit(JobSpec.commands("ov", dir.toString(),
                    List.of(marking(true).replace("sleep 300", "sleep 0.5; echo deployed"))).build());
            String idB = deployment.client.submit(jobB("deploy").build());
            JobState stateA = deployment.client.await(idA);
            assertEquals(JobStatus.SUCCEEDED, stateA.status(), stateA.reason());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(idB).status());
            assertTrue(deployment.client.log(idA, LogFollower.START, 1000).stream()
                    .anyMatch(e -> "note".equals(e.event()) && e.fields().get("message").contains("left running were stopped")),
                    "A's log says what was stopped at its end");
            assertNoMarkAfterB("daemon left by a successful job");
        }
    }

    @Test
    void aWorkerStoppedForLongerThanTheLeaseHasItsJobFencedBeforeTheLockPassesOn() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            WorkerProcess w1 = worker(redis.client(), "w1", "--queues", "q1", "--lock-ttl", "3s");
            worker(redis.client(), "w2", "--queues", "q2", "--lock-ttl", "3s");
            String idA = deployment.client.submit(JobSpec.commands("ov", dir.toString(), List.of(marking(true))).queue("q1").build());
            awaitMarks();
            String idB = deployment.client.submit(jobB("q2").build());
            Await.until("B waiting", Duration.ofSeconds(30), () -> deployment.client.status(idB).status() == JobStatus.WAITING);

            w1.signal("STOP"); // longer than the lease: until B has run
            JobState stateB = deployment.client.await(idB);
            assertEquals(JobStatus.SUCCEEDED, stateB.status(), stateB.reason());
            assertEquals("w2", stateB.worker());
            JobState stateA = deployment.client.status(idA);
            assertEquals(JobStatus.LOST, stateA.status());
            assertTrue(stateA.reason().contains("the lease of this job (the lock of project ov, 3 s) ran out: worker w1 did not renew it"),
                    stateA.reason());
            assertTrue(!stateB.startedAt().isBefore(stateA.endedAt()), "B started after A was recorded lost");
            assertEquals(List.of(), HostProcesses.ofJob(idA), "the watchdog killed A while w1 was stopped");
            assertNoMarkAfterB("worker stopped (SIGSTOP) for longer than the lease");

            w1.signal("CONT");
            Await.until("w1 says it fenced A", Duration.ofSeconds(30), () -> w1.output().contains("job " + idA + " of project ov: ")
                    && w1.output().contains("stopped before another deploy of project ov could start"));
            String idC = deployment.client.submit(JobSpec.commands("ov", dir.toString(), List.of("echo C")).queue("q1").build());
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(idC).status(), "w1 goes on serving");
        }
    }

    /**
     * The watchdog alone acts here (the worker is stopped or dead), on processes that dropped
     * DEPLOYSTER_JOB_ID but stayed in the job's sessions: in a process group of their own, or started
     * by an earlier command of the job.
     */
    @ParameterizedTest(name = "worker {0}, child {1}")
    @CsvSource({"killed, in a process group of its own", "killed, left by an earlier command",
            "stopped, in a process group of its own", "stopped, left by an earlier command"})
    void theWatchdogKillsEveryProcessInTheJobsSessionsEvenWithoutTheJobsVariable(String fault, String child) throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            WorkerProcess w1 = worker(redis.client(), "w1", "--queues", "q1", "--lock-ttl", "3s");
            worker(redis.client(), "w2", "--queues", "q2", "--lock-ttl", "3s");
            String loop = "env -u DEPLOYSTER_JOB_ID sh -c 'while true; do date +%s%N >> " + dir.resolve("a.marks") + "; sleep 0.05; done'";
            List<String> commands = child.contains("own")
                    ? List.of("set -m; " + loop + " & sleep 300")
                    : List.of("(" + loop + " >/dev/null 2>&1 &)", "sleep 300");
            String idA = deployment.client.submit(JobSpec.commands("ov", dir.toString(), commands).queue("q1").build());
            awaitMarks();
            String idB = deployment.client.submit(jobB("q2").build());
            Await.until("B waiting", Duration.ofSeconds(30), () -> deployment.client.status(idB).status() == JobStatus.WAITING);

            w1.signal(fault.equals("killed") ? "KILL" : "STOP");
            JobState stateB = deployment.client.await(idB);
            assertEquals(JobStatus.SUCCEEDED, stateB.status(), stateB.reason());
            assertEquals(JobStatus.LOST, deployment.client.status(idA).status());
            assertNoMarkAfterB("worker " + fault + ", child " + child + ", without DEPLOYSTER_JOB_ID");
        }
    }

    @Test
    void aWatchdogThatDiesIsReplacedAndStillFencesAStoppedWorkersJob() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            WorkerProcess w1 = worker(redis.client(), "w1", "--queues", "q1", "--lock-ttl", "3s");
            worker(redis.client(), "w2", "--queues", "q2", "--lock-ttl", "3s");
            long first = watchdogOf(w1);
            new ProcessBuilder("kill", "-KILL", Long.toString(first)).start().waitFor();
            Await.until("a new watchdog", Duration.ofSeconds(30), () -> {
                long now = watchdogOf(w1);
                return now != 0 && now != first;
            });
            Await.until("the worker says so", Duration.ofSeconds(30), () -> w1.output().contains("the lease watchdog (pid " + first + ") died"));

            String idA = deployment.client.submit(JobSpec.commands("ov", dir.toString(), List.of(marking(true))).queue("q1").build());
            awaitMarks();
            String idB = deployment.client.submit(jobB("q2").build());
            Await.until("B waiting", Duration.ofSeconds(30), () -> deployment.client.status(idB).status() == JobStatus.WAITING);
            w1.signal("STOP");
            assertEquals(JobStatus.SUCCEEDED, deployment.client.await(idB).status());
            assertEquals(JobStatus.LOST, deployment.client.status(idA).status());
            assertNoMarkAfterB("worker stopped after its watchdog was replaced");
        }
    }

    /** Pid of the worker's lease watchdog, 0 while there is none. */
    private static long watchdogOf(WorkerProcess worker) {
        try {
            Process pgrep = new ProcessBuilder("pgrep", "-P", Long.toString(worker.pid()), "-f", "deployster-lease-watchdog").start();
            String out = new String(pgrep.getInputStream().readAllBytes()).trim();
            pgrep.waitFor();
            return out.isEmpty() ? 0 : Long.parseLong(out.split("\\s+")[0]);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRedisOutageLongerThanTheLeaseStopsTheJobBeforeTheLockCanPassOn() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("redis");
        String[] aof = {"--appendonly", "yes", "--appendfsync", "always"};
        RedisServer server = RedisServer.start(data, port, aof);
        try (Redis own = Redis.connect(server.uri()); Deployment deployment = new Deployment(server.uri())) {
            worker(own, "w1", "--concurrency", "2", "--lock-ttl", "2s");
            String idA = deployment.client.submit(JobSpec.commands("ov", dir.toString(), List.of(marking(true))).build());
            awaitMarks();
            String idB = deployment.client.submit(jobB("deploy").build());
            Await.until("B waiting", Duration.ofSeconds(30), () -> deployment.client.status(idB).status() == JobStatus.WAITING);

            server.close();
            Await.until("A's processes stopped by its worker", Duration.ofSeconds(30), () -> HostProcesses.ofJob(idA).isEmpty());
            server = RedisServer.start(data, port, aof);

            JobState stateA = deployment.client.await(idA);
            assertEquals(JobStatus.LOST, stateA.status());
            assertTrue(stateA.reason().contains("could not renew the job's lease") || stateA.reason().contains("lease of this job"),
                    stateA.reason());
            JobState stateB = deployment.client.await(idB);
            assertEquals(JobStatus.SUCCEEDED, stateB.status(), stateB.reason());
            assertNoMarkAfterB("Redis outage longer than the lease");
        } finally {
            server.close();
        }
    }
}
