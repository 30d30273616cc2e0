package io.deployster.jenkins.follow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The controller's record of which running deploy each mirrored lockable resource is held for.
 * Lockable resources belong to builds, not to steps, so a build-level check cannot tell a sibling
 * branch's deploy from a {@code lock()} step: this ledger can, because it knows every deploy of this
 * controller. Rules: a resource held for a deploy stays with its build while any deploy of that build
 * runs; a deploy of another build that starts before the holder's follower has freed it (the Redis lock
 * already passed) is queued here and gets the resource the moment it is freed; a resource this build
 * holds with no deploy of ours recorded is a lock step's, and stays with that step.
 */
public final class ResourceLedger {
    private static final class Holder {
        final String build;
        final JenkinsResources resources;
        final Set<String> jobs = new LinkedHashSet<>();
        final Deque<Waiter> next = new ArrayDeque<>();

        Holder(String build, JenkinsResources resources) {
            this.build = build;
            this.resources = resources;
        }
    }

    private record Waiter(String jobId, JenkinsResources resources, LockMirror mirror, Consumer<String> notes) {
    }

    private final Map<String, Holder> holders = new HashMap<>();

    /**
     * A deploy started (it holds the Redis project lock now).
     *
     * @param notes where this deploy's console notes go (also later, when a queued handover happens)
     */
    public synchronized void started(String jobId, LockMirror mirror, JenkinsResources resources, Consumer<String> notes) {
        String resource = mirror.resource();
        try {
            Holder holder = holders.get(resource);
            if (holder != null && holder.build.equals(resources.buildId())) {
                holder.jobs.add(jobId);
                mirror.recordHeld();
                notes.accept(heldNote(resource));
            } else if (holder != null) {
                holder.next.add(new Waiter(jobId, resources, mirror, notes));
                notes.accept("lockable resource " + resource + " passes to this build as soon as the build whose deploy just "
                        + "ended frees it");
            } else if (resources.heldByThisBuild(resource)) {
                notes.accept("this build holds lockable resource " + resource + " through a lock step around this deploy;"
                        + " it stays with that step");
            } else if (take(resource, jobId, resources, mirror)) {
                notes.accept(heldNote(resource));
            } else {
                String other = resources.holder(resource);
                notes.accept(other == null
                        ? "could not create lockable resource " + resource + " (ephemeral resources may be disabled in the"
                                + " Lockable Resources settings); the deploy goes on because the Redis project lock decides"
                        : "lockable resource " + resource + " is held by " + other
                                + " in Jenkins; the deploy goes on because the Redis project lock decides");
            }
        } catch (RuntimeException e) {
            notes.accept("could not mirror the project lock as lockable resource " + resource + " (" + e.getMessage() + ")");
        }
    }

    /**
     * A deploy that had started when the controller crashed, whose step resumed from a state saved before
     * that start: the resource this build holds is taken to be this deploy's (Jenkins keeps lockable
     * resources across a restart), so it is freed when the deploy ends; if the build holds none, as
     * {@link #started}. A {@code lock} step of the same build around the deploy cannot be told apart here
     * (its own record was lost in the crash): the resource is then freed when the deploy ends.
     */
    public synchronized void resumed(String jobId, LockMirror mirror, JenkinsResources resources, Consumer<String> notes) {
        String resource = mirror.resource();
        Holder holder = holders.get(resource);
        try {
            if (holder == null && resources.heldByThisBuild(resource)) {
                Holder h = new Holder(resources.buildId(), resources);
                h.jobs.add(jobId);
                holders.put(resource, h);
                mirror.recordHeld();
                notes.accept(heldNote(resource));
                return;
            }
        } catch (RuntimeException e) {
            notes.accept("could not check lockable resource " + resource + " (" + e.getMessage() + ")");
            return;
        }
        started(jobId, mirror, resources, notes);
    }

    /** A deploy ended (or its step did): frees the resource unless a sibling deploy of the build still runs; hands it on. */
    public synchronized void ended(String jobId, LockMirror mirror, JenkinsResources resources, Consumer<String> notes) {
        String resource = mirror.resource();
        try {
            Holder holder = holders.get(resource);
            if (holder != null) {
                holder.next.removeIf(w -> w.jobId.equals(jobId));
            }
            boolean wasHeld = mirror.takeHeld();
            if (holder == null || !holder.jobs.remove(jobId)) {
                if (wasHeld) {
                    // held before a restart (this ledger is new): free what the saved mirror says it took
                    resources.unlock(resource);
                }
                return;
            }
            if (!holder.jobs.isEmpty()) {
                return;
            }
            holders.remove(resource);
            holder.resources.unlock(resource);
            for (Waiter w = holder.next.poll(); w != null; w = holder.next.poll()) {
                if (take(resource, w.jobId, w.resources, w.mirror)) {
                    holders.get(resource).next.addAll(holder.next);
                    w.notes.accept(heldNote(resource));
                    return;
                }
                w.notes.accept("lockable resource " + resource + " is held by " + w.resources.holder(resource)
                        + " in Jenkins; the deploy goes on because the Redis project lock decides");
            }
        } catch (RuntimeException e) {
            notes.accept("could not free lockable resource " + resource + " (" + e.getMessage() + "); it is freed when the build ends");
        }
    }

    private boolean take(String resource, String jobId, JenkinsResources resources, LockMirror mirror) {
        if (!resources.tryLock(resource)) {
            return false;
        }
        Holder h = new Holder(resources.buildId(), resources);
        h.jobs.add(jobId);
        holders.put(resource, h);
        mirror.recordHeld();
        return true;
    }

    private static String heldNote(String resource) {
        return "lockable resource " + resource + " is held by this build while the job runs";
    }

    /** For messages and tests: the jobs the resource is held for now. */
    public synchronized List<String> heldFor(String resource) {
        Holder h = holders.get(resource);
        return h == null ? List.of() : List.copyOf(h.jobs);
    }
}
