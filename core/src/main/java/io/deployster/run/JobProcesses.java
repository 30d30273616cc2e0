package io.deployster.run;

import io.deployster.run.Posix.Signal;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Every process of one job, wherever it went. A process is the job's when it is one of the job's
 * command processes (each started in a session of its own), is in one of their sessions or process
 * groups, descends from one, or was orphaned to the worker (see {@link Subreaper}) with the job's id in
 * its environment ({@value #MARKER}=id, as the job's commands get it). Only a process that both left
 * the job's sessions and changed or dropped that variable escapes, which is also how a deploy
 * deliberately leaves a daemon running.
 */
public final class JobProcesses {
    /** The environment variable that marks a job's processes (docs/protocol.md). */
    public static final String MARKER = "DEPLOYSTER_JOB_ID";
    private static final long POLL_MILLIS = 20;

    private final String jobId;
    private final Subreaper subreaper;
    private final String marker;
    private final Set<Long> leaders = new HashSet<>();
    private final List<Process> started = new ArrayList<>();
    private final Runnable onStart;
    private final Object termination = new Object();
    private volatile boolean killNow;

    /** @param onStart called after each command started, e.g. to tell the lease watchdog its session */
    public JobProcesses(String jobId, Subreaper subreaper, Runnable onStart) {
        this.onStart = onStart;
        this.jobId = jobId;
        this.subreaper = subreaper;
        this.marker = MARKER + "=" + jobId;
    }

    /**
     * Starts one of the job's commands in a session of its own, with {@value #MARKER} set in its
     * environment, stdin from /dev/null.
     */
    public Process start(List<String> argv, File dir, Map<String, String> env) throws IOException {
        Map<String, String> marked = new HashMap<>(env);
        marked.put(MARKER, jobId);
        Process process;
        synchronized (this) {
            process = ProcessGroup.start(argv, dir, marked).process();
            leaders.add(process.pid());
            started.add(process);
        }
        onStart.run();
        return process;
    }

    /** Session (and process group) ids of the job's commands so far: their leaders' pids. */
    public synchronized List<Long> sessions() {
        return List.copyOf(leaders);
    }

    /** The job's processes alive now (zombies are dead and left out). */
    public List<ProcessTable.Proc> alive() {
        // read under the lock, so a command being started is already counted as a leader
        synchronized (this) {
            if (surelyNone()) {
                return List.of();
            }
            return alive(ProcessTable.read(), Set.copyOf(leaders));
        }
    }

    // The common case at a job's end, without reading every process: a live process of the job is in
    // one of its commands' process groups, or descends from one that is (its parent chain never leaves
    // the job's groups without an orphan on the way), or from an orphan of the worker.
    private boolean surelyNone() {
        // a command just started may not have called setsid yet: its group does not exist, it does
        for (Process p : started) {
            if (p.isAlive()) {
                return false;
            }
        }
        for (long leader : leaders) {
            if (subreaper.posix().groupExists(leader)) {
                return false;
            }
        }
        List<Long> orphans = subreaper.orphans();
        if (orphans == null) {
            return false;
        }
        for (long pid : orphans) {
            if (ProcessTable.environmentHas(pid, marker)) {
                return false;
            }
        }
        return true;
    }

    private List<ProcessTable.Proc> alive(ProcessTable table, Set<Long> leaderPids) {
        Map<Long, Boolean> known = new HashMap<>();
        List<ProcessTable.Proc> found = new ArrayList<>();
        for (ProcessTable.Proc p : table.all()) {
            if (!p.zombie() && p.pid() != subreaper.self() && belongs(p, table, leaderPids, known)) {
                found.add(p);
            }
        }
        return found;
    }

    // Walks up from p until an answer is known: a leader, a leader's session or group, or an orphan
    // whose environment names the job (or not).
    private boolean belongs(ProcessTable.Proc p, ProcessTable table, Set<Long> leaderPids, Map<Long, Boolean> known) {
        List<Long> path = new ArrayList<>();
        Boolean answer = null;
        ProcessTable.Proc q = p;
        while (answer == null) {
            answer = known.get(q.pid());
            if (answer != null) {
                break;
            }
            path.add(q.pid());
            if (leaderPids.contains(q.pid()) || leaderPids.contains(q.session()) || leaderPids.contains(q.pgrp())) {
                answer = true;
            } else if (subreaper.isOrphanParent(q.ppid())) {
                answer = ProcessTable.environmentHas(q.pid(), marker);
            } else {
                q = table.get(q.ppid());
                if (q == null || q.pid() <= 1 || q.pid() == subreaper.self() || path.size() > 4096) {
                    answer = false;
                }
            }
        }
        for (long pid : path) {
            known.put(pid, answer);
        }
        return answer;
    }

    /**
     * What a termination found and did.
     *
     * @param found the job's processes alive when it began
     * @param killed how many got KILL because TERM and the grace were not enough
     */
    public record Stopped(List<ProcessTable.Proc> found, int killed) {
        /** "pid (name), ..." for people, at most ten. */
        public String describe() {
            String text = found.stream().limit(10).map(ProcessTable.Proc::toString).collect(Collectors.joining(", "));
            return found.size() > 10 ? text + ", ..." : text;
        }
    }

    /**
     * Ends every process of the job: TERM, then KILL to what is left after {@code graceMillis}, and
     * returns only once none is alive. Concurrent calls wait for each other.
     *
     * @throws InterruptedException when interrupted while waiting; processes may then be left
     */
    public Stopped terminate(long graceMillis) throws InterruptedException {
        synchronized (termination) {
            List<ProcessTable.Proc> first = alive();
            if (first.isEmpty()) {
                return new Stopped(first, 0);
            }
            if (graceMillis > 0) {
                signal(first, Signal.TERM);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
                while (!killNow && System.nanoTime() < deadline && !alive().isEmpty()) {
                    Thread.sleep(POLL_MILLIS);
                }
            }
            // KILL until nothing is left: a process may fork between a look and the signal
            int killed = 0;
            for (List<ProcessTable.Proc> left = alive(); !left.isEmpty(); left = alive()) {
                killed = Math.max(killed, left.size());
                signal(left, Signal.KILL);
                Thread.sleep(POLL_MILLIS);
            }
            return new Stopped(first, killed);
        }
    }

    /** KILL to every process of the job at once, cutting short the grace of a termination under way. */
    public void kill() throws InterruptedException {
        killNow = true;
        terminate(0);
    }

    private void signal(List<ProcessTable.Proc> procs, Signal signal) {
        Set<Long> groups = new HashSet<>();
        synchronized (this) {
            groups.addAll(leaders);
        }
        for (long group : groups) {
            subreaper.posix().kill(-group, signal);
        }
        for (ProcessTable.Proc p : procs) {
            subreaper.posix().kill(p.pid(), signal);
        }
    }
}
