package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lease watchdog (a real bash process) against real process groups: what it kills, when, and what it leaves alone. */
class LeaseWatchdogTest {
    private final List<String> fenced = new CopyOnWriteArrayList<>();
    private final LeaseWatchdog watchdog = LeaseWatchdog.start(fenced::add);
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        watchdog.close();
        started.forEach(p -> p.destroyForcibly());
    }

    private Process sleeper() throws Exception {
        Process p = ProcessGroup.start(List.of("sleep", "300"), new File("/tmp"), Map.of()).process();
        started.add(p);
        return p;
    }

    @Test
    void aLeaseThatRunsOutKillsTheJobsSessionAndSaysSo() throws Exception {
        Process job = sleeper();
        watchdog.lease("job-a", List.of(job.pid()), in(200));
        Await.until("the watchdog to kill job-a's process", Duration.ofSeconds(10), () -> !job.isAlive());
        Await.until("the watchdog to report job-a fenced", Duration.ofSeconds(10), () -> fenced.contains("job-a"));
    }

    @Test
    void renewedAndEndedLeasesKeepTheirProcessesWhileAShorterOneIsFenced() throws Exception {
        Process renewed = sleeper();
        Process ended = sleeper();
        Process lapsing = sleeper();
        long watchdogPid = watchdog.pid();
        watchdog.lease("renewed", List.of(renewed.pid()), in(400));
        watchdog.lease("ended", List.of(ended.pid()), in(200));
        watchdog.end("ended");
        // many messages in a row, as a busy worker sends them: each must be read whole, none merged
        for (int i = 0; i < 2_000; i++) {
            watchdog.lease("short-" + i, List.of(), in(60_000));
            watchdog.end("short-" + i);
        }
        // jobs that end a few ms after they start leave the watchdog waiting for deadlines that come just
        // as the next messages arrive: a byte read as a wait times out must not be lost
        for (int i = 0; i < 300; i++) {
            watchdog.lease("brief-" + i, List.of(), in(1 + i % 4));
            watchdog.end("brief-" + i);
            watchdog.lease("renewed", List.of(renewed.pid()), in(400));
            Thread.sleep(1 + i % 3);
        }
        watchdog.lease("lapsing", List.of(lapsing.pid()), in(1_500));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lapsing.isAlive() && System.nanoTime() < until) {
            watchdog.lease("renewed", List.of(renewed.pid()), in(400));
            Thread.sleep(50);
        }
        Await.until("the watchdog to kill the lapsed job's process", Duration.ofSeconds(10), () -> !lapsing.isAlive());
        assertTrue(renewed.isAlive(), "a lease renewed in time must not be fenced");
        assertTrue(ended.isAlive(), "an ended job's lease is forgotten, its deadline long past");
        Await.until("the report", Duration.ofSeconds(10), () -> fenced.contains("lapsing"));
        // a brief lease of a few ms may run out before its end arrives: that one's fence is right too
        assertEquals(List.of("lapsing"), fenced.stream().filter(job -> !job.startsWith("brief-")).toList());
        assertEquals(watchdogPid, watchdog.pid(), "the watchdog must have read every message, not died on a garbled one and been restarted");
        assertTrue(ProcessHandle.of(watchdogPid).map(ProcessHandle::isAlive).orElse(false), "the watchdog must still run");
    }

    @Test
    void theWatchdogRunsInASessionOfItsOwnSoAStopOfTheWorkersGroupLeavesItRunning() throws Exception {
        ProcessTable.Proc worker = ProcessTable.read(List.of(ProcessHandle.current().pid())).iterator().next();
        // setsid(1) makes the session a moment after the start
        Await.until("the watchdog to lead a session of its own", Duration.ofSeconds(10), () -> {
            ProcessTable.Proc dog = ProcessTable.read(List.of(watchdog.pid())).iterator().next();
            return dog.session() == dog.pid();
        });
        ProcessTable.Proc dog = ProcessTable.read(List.of(watchdog.pid())).iterator().next();

        assertTrue(dog.pgrp() != worker.pgrp() && dog.session() != worker.session(), "Ctrl-Z in the worker's terminal stops its group");
        Process job = sleeper();
        watchdog.lease("own-session", List.of(job.pid()), in(200));
        Await.until("the watchdog started with setsid to still kill", Duration.ofSeconds(10), () -> !job.isAlive());
    }

    @Test
    void aJobWithManyCommandsHasEverySessionKilled() throws Exception {
        List<Long> sessions = new ArrayList<>();
        for (long fake = 4_000_000; sessions.size() < 450; fake++) {
            sessions.add(fake); // session ids of commands that have ended long ago: nothing to kill there
        }
        Process last = sleeper();
        sessions.add(last.pid());
        watchdog.lease("many", sessions, in(200));
        Await.until("the watchdog to kill the last command's process", Duration.ofSeconds(10), () -> !last.isAlive());
        Await.until("the report", Duration.ofSeconds(10), () -> fenced.contains("many"));
    }

    @Test
    void whenTheWorkerDiesEveryJobIsKilledEvenThoughNobodyReadsTheReports() throws Exception {
        // the script as the worker runs it, but with its reports unread: a dead worker's pipe (SIGPIPE on write)
        Process watchdogAlone = new ProcessBuilder("bash", "-c", LeaseWatchdog.script(), "deployster-lease-watchdog")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(watchdogAlone);
        List<Process> jobs = List.of(sleeper(), sleeper(), sleeper());
        try (var toWatchdog = watchdogAlone.getOutputStream()) {
            for (int i = 0; i < jobs.size(); i++) {
                toWatchdog.write(LeaseWatchdog.message("lease job-" + i + " " + jobs.get(i).pid() + " " + BootClock.measure().centis(in(60_000))));
            }
            toWatchdog.flush();
            watchdogAlone.getInputStream().close();
        }
        for (Process job : jobs) {
            Await.until("every job of the dead worker to be killed", Duration.ofSeconds(20), () -> !job.isAlive());
        }
    }

    @Test
    void jobsWhoseLeasesRunOutTogetherAreAllKilledBeforeAnyIsReported() throws Exception {
        List<Process> jobs = new ArrayList<>();
        List<Boolean> allDeadAtFirstReport = new CopyOnWriteArrayList<>();
        try (LeaseWatchdog together = LeaseWatchdog.start(job -> {
            if (allDeadAtFirstReport.isEmpty()) {
                allDeadAtFirstReport.add(jobs.stream().allMatch(p -> dead(p.pid())));
            }
        })) {
            for (int i = 0; i < 12; i++) {
                jobs.add(sleeper());
            }
            for (int i = 0; i < jobs.size(); i++) {
                together.lease("together-" + i, List.of(jobs.get(i).pid()), in(300));
            }
            Await.until("the first report", Duration.ofSeconds(20), () -> !allDeadAtFirstReport.isEmpty());
            // one after another, each kill takes three looks 100 ms apart, and the last jobs outlive their locks
            assertEquals(List.of(true), allDeadAtFirstReport, "jobs whose leases ran out together must be killed in one sweep");
        }
    }

    // A System.nanoTime() value, millis from now
    private static long in(long millis) {
        return System.nanoTime() + millis * 1_000_000;
    }

    // Killed: gone, or a zombie its parent (this JVM) has not collected yet.
    private static boolean dead(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
