package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.cli.ExitCodes;
import io.deployster.cli.Main;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.queue.JobQueue.CancelOutcome;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.HostProcesses;
import io.deployster.testing.RealRedis;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.WorkflowParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/** Workers killed with real signals, and cancels that must leave no process behind. */
class CrashAndCancelTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    Deployment deployment;
    final List<WorkerProcess> workers = new ArrayList<>();
    final List<Long> groups = new ArrayList<>();

    @BeforeEach
    void client() {
        deployment = new Deployment(redis.uri());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
        for (long g : groups) {
            WorkerProcess.killGroup(g);
        }
        deployment.close();
    }

    private WorkerProcess worker(String name, List<String> jvm, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--lost-after", "2s", "--lock-ttl", "2s", "--claim-idle", "1s", "--kill-grace", "2s"));
        all.addAll(List.of(args));
        WorkerProcess w = WorkerProcess.start(redis.client(), dir, name, jvm, all.toArray(String[]::new));
        workers.add(w);
        return w;
    }

    /** A command that records its process group, then runs {@code body}. */
    private String recordingGroup(String tag, String body) {
        return "ps -o pgid= $$ | tr -d ' ' > " + dir.resolve(tag + ".pgid") + "; " + body;
    }

    private long group(String tag) throws Exception {
        Path file = dir.resolve(tag + ".pgid");
        Await.until(tag + " started", Duration.ofSeconds(30), () -> Files.exists(file) && file.toFile().length() > 1);
        long pgid = Long.parseLong(Files.readString(file).trim());
        groups.add(pgid);
        return pgid;
    }

    @Test
    void aKilledWorkersJobIsKilledTooThenLostAndTheNextJobRuns() throws Exception {
        WorkerProcess doomed = worker("doomed", List.of());
        String first = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(recordingGroup("first", "sleep 300"))).build());
        group("first");
        WorkerProcess survivor = worker("survivor", List.of());
        String second = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo second")).build());
        Await.until("second waiting", Duration.ofSeconds(30), () -> deployment.client.status(second).status() == JobStatus.WAITING);

        doomed.signal("KILL");
        // the worker's lease watchdog sees it die and kills its job at once, well before the lease ends
        Await.until("the dead worker's job killed", Duration.ofSeconds(30), () -> HostProcesses.ofJob(first).isEmpty());
        assertEquals(JobStatus.RUNNING, deployment.client.status(first).status(), "still running in Redis until its lease runs out");
        JobState lost = deployment.client.await(first);
        assertEquals(JobStatus.LOST, lost.status());
        assertTrue(lost.reason().contains("ran out: worker doomed did not renew it"), lost.reason());
        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"status", "--redis", redis.uri(), first},
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(ExitCodes.LOST, exit, "deployster status exits with the lost code: " + out);

        JobState next = deployment.client.await(second);
        assertEquals(JobStatus.SUCCEEDED, next.status(), next.reason());
        assertEquals(survivor.name, next.worker());
    }

    @Test
    void statusAndCancelOfAJobWhoseWorkerDiedWithNoOtherWorkerToSweepSayTheWorkerIsSilent() throws Exception {
        WorkerProcess only = worker("only", List.of());
        String job = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(recordingGroup("job", "sleep 300"))).build());
        group("job");
        StringWriter followed = new StringWriter();
        CompletableFuture<Integer> follower = CompletableFuture.supplyAsync(() -> Main.run(
                new String[] {"logs", "--redis", redis.uri(), "--follow", job}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(followed, true)));
        Await.until("the follower printed the start", Duration.ofSeconds(30), () -> followed.toString().contains("started on worker only"));
        only.signal("KILL");
        // the follower, whose log went quiet, is told that nobody may be running the job any more
        Await.until("the follower told the worker is silent", Duration.ofSeconds(60),
                () -> followed.toString().contains("its worker only sends no heartbeat (it crashed, was stopped or cannot reach Redis)"));
        Await.until("worker only shown dead", Duration.ofSeconds(30), () -> !redis.client().call(j -> j.exists(Keys.defaults().worker("only"))));

        // no live worker sweeps: the job stays running in Redis, and status must not pass that off as a live deploy
        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"status", "--redis", redis.uri(), job}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(ExitCodes.NOT_ENDED, exit, out.toString());
        assertTrue(out.toString().contains("worker only sends no heartbeat"), out.toString());
        assertTrue(out.toString().contains("A live worker marks the job lost once its lease runs out"), out.toString());
        // nor may cancel say a worker is stopping it
        StringWriter cancel = new StringWriter();
        assertEquals(ExitCodes.SUCCEEDED, Main.run(new String[] {"cancel", "--redis", redis.uri(), job}, new PrintWriter(cancel),
                new PrintWriter(new StringWriter())));
        assertTrue(cancel.toString().contains("job " + job + " is running on worker only, which sends no heartbeat"), cancel.toString());
        assertTrue(cancel.toString().contains("nothing can stop it now"), cancel.toString());

        worker("sweeper", List.of());
        assertEquals(JobStatus.LOST, deployment.client.await(job).status());
        assertEquals(ExitCodes.LOST, follower.get(), followed.toString());
    }

    @Test
    @Timeout(120) // before the task had a lease of its own, the workflow never ended
    void aWorkflowWhoseTaskWorkerIsKilledEndsWithTheTaskLostAndFreesItsProject() throws Exception {
        WorkerProcess doomed = worker("doomed", List.of(), "--queues", "k9");
        worker("survivor", List.of()); // serves the default queue; its coordinator drives the workflow
        String workflow = deployment.client.submitWorkflow(new WorkflowParser().parse("""
                project: wf-shop
                defaults: {cd: %s}
                tasks:
                  victim: {queue: k9, commands: ["%s"]}
                  after: {needs: [victim], commands: ["echo after"]}
                """.formatted(dir, recordingGroup("victim", "sleep 300"))));
        group("victim");

        doomed.signal("KILL");
        // the coordinator keeps renewing the project's lock for the workflow: only the task's own lease
        // tells that nobody runs it any more
        JobState end = deployment.client.await(workflow);
        assertEquals(JobStatus.FAILED, end.status(), end.reason());
        assertTrue(end.reason().startsWith("task victim lost: the lease of this task") && end.reason().contains("worker doomed"),
                end.reason());
        Map<String, TaskResult> tasks = deployment.client.workflow(workflow).tasks();
        assertEquals("lost", tasks.get("victim").status());
        assertEquals("skipped", tasks.get("after").status());
        assertTrue(HostProcesses.ofJob(tasks.get("victim").job()).isEmpty(), "the task's processes were killed");

        String next = deployment.client.submit(JobSpec.commands("wf-shop", dir.toString(), List.of("echo next")).build());
        JobState nextEnd = deployment.client.await(next);
        assertEquals(JobStatus.SUCCEEDED, nextEnd.status(), "the project's lock was given back: " + nextEnd.reason());
    }

    @Test
    void aSecondWorkerOfALiveWorkersNameRefusesToStartButARestartAfterACrashStarts() throws Exception {
        WorkerProcess first = worker("twin", List.of());
        // a copied unit file on a second host: it would share the first's pending entries and heartbeat
        WorkerProcess second = WorkerProcess.launch(redis.client(), dir, "twin", List.of(), Map.of(), "--lost-after", "2s");
        workers.add(second);
        assertEquals(1, second.awaitExit(Duration.ofSeconds(60)), second.output());
        assertTrue(second.output().contains("another worker named 'twin' is running"), second.output());
        assertTrue(second.output().contains("give this one another --name"), second.output());
        String job = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo served")).build());
        assertEquals(JobStatus.SUCCEEDED, deployment.client.await(job).status(), "the first goes on serving");

        first.signal("KILL");
        // its heartbeat outlives it by up to --lost-after: the restart waits for it instead of refusing
        WorkerProcess restarted = WorkerProcess.launch(redis.client(), dir, "twin", List.of(), Map.of(), "--lost-after", "2s");
        workers.add(restarted);
        String next = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo after the crash")).build());
        JobState end = deployment.client.await(next);
        assertEquals(JobStatus.SUCCEEDED, end.status(), restarted.output());
        assertEquals("twin", end.worker());
    }

    @Test
    void anEntryTakenByAWorkerThatDiedBeforeStartingItRunsElsewhere() throws Exception {
        String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo ran")).build());
        // the state a worker leaves that read the entry as consumer "slow" of the group and died before acting on it
        redis.client().run(j -> {
            j.xgroupCreate(Keys.defaults().queue("deploy"), "workers", new StreamEntryID(0, 0), true);
            j.xreadGroup("workers", "slow", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(Keys.defaults().queue("deploy"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        });
        assertEquals(1L, (long) redis.client().call(j -> j.xpending(Keys.defaults().queue("deploy"), "workers").getTotal()), "left pending by the dead worker");

        worker("rescuer", List.of());
        JobState state = deployment.client.await(id);
        assertEquals(JobStatus.SUCCEEDED, state.status(), state.reason());
        assertEquals("rescuer", state.worker());
    }

    @Test
    void cancellingARunningJobKillsItsWholeProcessTree() throws Exception {
        worker("w1", List.of());
        // a background child, a double-forked grandchild re-parented to init, and a nohup'ed one
        String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(recordingGroup("tree",
                "sleep 301 & (sleep 302 &) ; nohup sh -c 'sleep 303' >/dev/null 2>&1 & sleep 304"))).build());
        long pgid = group("tree");
        Await.until("all four sleeps running", Duration.ofSeconds(30), () -> uncheckedGroup(pgid).size() >= 5);

        assertEquals(CancelOutcome.REQUESTED, deployment.client.cancel(id, "operator pressed stop"));
        JobState state = deployment.client.await(id);
        assertEquals(JobStatus.CANCELLED, state.status());
        assertEquals("operator pressed stop", state.reason());
        Await.until("no process of the job left", Duration.ofSeconds(10), () -> uncheckedGroup(pgid).isEmpty());
    }

    @Test
    void aJobThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
        worker("w1", List.of());
        String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                List.of(recordingGroup("stubborn", "trap '' TERM; sleep 305; sleep 306"))).timeoutSeconds(1).build());
        long pgid = group("stubborn");
        JobState state = deployment.client.await(id);
        assertEquals(JobStatus.TIMED_OUT, state.status());
        assertTrue(state.reason().contains("timed out after 1 s"), state.reason());
        Await.until("no process of the job left", Duration.ofSeconds(10), () -> uncheckedGroup(pgid).isEmpty());
    }

    @Test
    void cancellingQueuedWaitingAndFinishedJobs() throws Exception {
        String queued = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("touch " + dir.resolve("queued-ran"))).build());
        assertEquals(CancelOutcome.CANCELLED, deployment.client.cancel(queued, "not today"));

        worker("w1", List.of(), "--concurrency", "2");
        String holder = deployment.client.submit(JobSpec.commands("blog", dir.toString(),
                List.of(recordingGroup("holder", "while [ ! -e " + dir.resolve("go") + " ]; do sleep 0.02; done"))).build());
        group("holder");
        String waiting = deployment.client.submit(JobSpec.commands("blog", dir.toString(), List.of("touch " + dir.resolve("waiting-ran"))).build());
        Await.until("waiting", Duration.ofSeconds(30), () -> deployment.client.status(waiting).status() == JobStatus.WAITING);
        assertEquals(CancelOutcome.CANCELLED, deployment.client.cancel(waiting, "superseded"));
        String after = deployment.client.submit(JobSpec.commands("blog", dir.toString(), List.of("echo after")).build());
        Files.createFile(dir.resolve("go"));

        assertEquals(JobStatus.SUCCEEDED, deployment.client.await(holder).status());
        assertEquals(JobStatus.SUCCEEDED, deployment.client.await(after).status(), "the lock passes over the cancelled waiter");
        JobState q = deployment.client.await(queued);
        assertEquals(JobStatus.CANCELLED, q.status());
        assertEquals("not today", q.reason());
        assertEquals(JobStatus.CANCELLED, deployment.client.await(waiting).status());
        assertTrue(Files.notExists(dir.resolve("queued-ran")) && Files.notExists(dir.resolve("waiting-ran")), "cancelled jobs never run");
        assertEquals(CancelOutcome.FINISHED, deployment.client.cancel(holder, "too late"));
        assertEquals(JobStatus.SUCCEEDED, deployment.client.status(holder).status());
    }

    private static List<Long> uncheckedGroup(long pgid) {
        try {
            return WorkerProcess.processesInGroup(pgid);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
