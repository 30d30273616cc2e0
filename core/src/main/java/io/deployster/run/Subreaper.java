package io.deployster.run;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a worker's job processes below it: as a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER) the
 * worker, not init, becomes the parent of every process a job orphans (double-forked, {@code setsid}),
 * so those stay findable and are reaped here once dead. One per worker process.
 */
public final class Subreaper {
    private static final System.Logger LOG = System.getLogger(Subreaper.class.getName());
    /**
     * A child of ours that stayed a zombie this long was not started by Java: the JDK's own reaper
     * collects its children at once. Reaping only those never steals a Process's exit status.
     */
    private static final long ZOMBIE_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Posix posix;
    private final boolean active;
    private final long self = ProcessHandle.current().pid();
    private final Path childrenOfMainThread = Path.of("/proc", Long.toString(self), "task", Long.toString(self), "children");
    private final Map<Long, long[]> zombies = new HashMap<>();

    private Subreaper(Posix posix, boolean active) {
        this.posix = posix;
        this.active = active;
    }

    /** Makes this process a subreaper where the OS allows it, and says so in the log when it cannot. */
    public static Subreaper install(Posix posix) {
        boolean active = posix.becomeSubreaper();
        if (!active) {
            LOG.log(Level.WARNING, "this worker cannot become a child subreaper (needs Linux and JNA): processes a job "
                    + "double-forks are looked for among init's children instead (docs/design.md)");
        }
        return new Subreaper(posix, active);
    }

    public boolean active() {
        return active;
    }

    Posix posix() {
        return posix;
    }

    /** This worker's pid. */
    long self() {
        return self;
    }

    /** The parent an orphaned job process gets: this worker when it is a subreaper, else init. */
    boolean isOrphanParent(long ppid) {
        return active ? ppid == self : ppid == 1;
    }

    /**
     * Pids of the processes re-parented to this worker, or null when that cannot be read cheaply. The
     * kernel hands orphans to the subreaper's main thread (the thread group leader, which in a JVM waits
     * for the java launcher's main thread all along), and {@code /proc/PID/task/PID/children} (proc(5))
     * lists that thread's children: one read instead of a scan of every process. Processes the JVM
     * starts are children of the threads that started them, so they are rarely in it.
     */
    List<Long> orphans() {
        if (!active) {
            return null;
        }
        String text;
        try {
            text = Files.readString(childrenOfMainThread, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null; // a kernel without CONFIG_PROC_CHILDREN
        }
        List<Long> pids = new ArrayList<>();
        for (String pid : text.trim().split(" ")) {
            if (!pid.isEmpty()) {
                pids.add(Long.parseLong(pid));
            }
        }
        return pids;
    }

    /** Collects orphaned children of this worker that have been dead for a while. Called every few seconds. */
    public synchronized void reapOrphans() {
        if (!active || !posix.nativeCalls()) {
            return;
        }
        List<Long> orphans = orphans();
        Collection<ProcessTable.Proc> candidates = orphans == null ? ProcessTable.read().all() : ProcessTable.read(orphans);
        long now = System.nanoTime();
        Map<Long, long[]> seen = new HashMap<>();
        for (ProcessTable.Proc p : candidates) {
            if (p.ppid() != self || !p.zombie()) {
                continue;
            }
            long[] since = zombies.get(p.pid());
            if (since == null || since[1] != p.startTime()) {
                since = new long[] {now, p.startTime()};
            }
            if (now - since[0] >= ZOMBIE_AGE_NANOS) {
                posix.reap(p.pid());
            } else {
                seen.put(p.pid(), since);
            }
        }
        zombies.clear();
        zombies.putAll(seen);
    }
}
