package io.deployster.run;

import java.lang.System.Logger.Level;
import java.util.HashMap;
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

    /** Collects orphaned children of this worker that have been dead for a while. Called every few seconds. */
    public synchronized void reapOrphans() {
        if (!active || !posix.nativeCalls()) {
            return;
        }
        long now = System.nanoTime();
        Map<Long, long[]> seen = new HashMap<>();
        for (ProcessTable.Proc p : ProcessTable.read().all()) {
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
