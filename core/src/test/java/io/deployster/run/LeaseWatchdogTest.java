package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import java.io.File;
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
        watchdog.lease("job-a", List.of(job.pid()), 200);
        Await.until("the watchdog to kill job-a's process", Duration.ofSeconds(10), () -> !job.isAlive());
        Await.until("the watchdog to report job-a fenced", Duration.ofSeconds(10), () -> fenced.contains("job-a"));
    }

    @Test
    void renewedAndEndedLeasesKeepTheirProcessesWhileAShorterOneIsFenced() throws Exception {
        Process renewed = sleeper();
        Process ended = sleeper();
        Process lapsing = sleeper();
        long watchdogPid = watchdog.pid();
        watchdog.lease("renewed", List.of(renewed.pid()), 400);
        watchdog.lease("ended", List.of(ended.pid()), 200);
        watchdog.end("ended");
        // many messages in a row, as a busy worker sends them: each must be read whole, none merged
        for (int i = 0; i < 2_000; i++) {
            watchdog.lease("short-" + i, List.of(), 60_000);
            watchdog.end("short-" + i);
        }
        // jobs that end a few ms after they start leave the watchdog waiting for deadlines that come just
        // as the next messages arrive: a byte read as a wait times out must not be lost
        for (int i = 0; i < 300; i++) {
            watchdog.lease("brief-" + i, List.of(), 1 + i % 4);
            watchdog.end("brief-" + i);
            watchdog.lease("renewed", List.of(renewed.pid()), 400);
            Thread.sleep(1 + i % 3);
        }
        watchdog.lease("lapsing", List.of(lapsing.pid()), 1_500);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lapsing.isAlive() && System.nanoTime() < until) {
            watchdog.lease("renewed", List.of(renewed.pid()), 400);
            Thread.sleep(50);
        }
        Await.until("the watchdog to kill the lapsed job's process", Duration.ofSeconds(10), () -> !lapsing.isAlive());
        assertTrue(renewed.isAlive(), "a lease renewed in time must not be fenced");
        assertTrue(ended.isAlive(), "an ended job's lease is forgotten, its deadline long past");
        Await.until("the report", Duration.ofSeconds(10), () -> fenced.contains("lapsing"));
        assertEquals(List.of("lapsing"), fenced);
        assertEquals(watchdogPid, watchdog.pid(), "the watchdog must have read every message, not died on a garbled one and been restarted");
        assertTrue(ProcessHandle.of(watchdogPid).map(ProcessHandle::isAlive).orElse(false), "the watchdog must still run");
    }

    @Test
    void aJobWithManyCommandsHasEverySessionKilled() throws Exception {
        List<Long> sessions = new ArrayList<>();
        for (long fake = 4_000_000; sessions.size() < 450; fake++) {
            sessions.add(fake); // session ids of commands that have ended long ago: nothing to kill there
        }
        Process last = sleeper();
        sessions.add(last.pid());
        watchdog.lease("many", sessions, 200);
        Await.until("the watchdog to kill the last command's process", Duration.ofSeconds(10), () -> !last.isAlive());
        Await.until("the report", Duration.ofSeconds(10), () -> fenced.contains("many"));
    }
}
