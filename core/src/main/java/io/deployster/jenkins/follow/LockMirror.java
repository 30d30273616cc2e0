package io.deployster.jenkins.follow;

import io.deployster.log.LogEntry;
import io.deployster.protocol.Event;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Mirrors a job's Redis project lock as the Jenkins lockable resource {@code deployster:<project>}:
 * held by the build while its job runs (the job holds the Redis lock exactly then), freed when the
 * job ends. The Redis lock decides who deploys; the mirror only shows it, so a resource held
 * elsewhere in Jenkins never holds up a deploy, and a build that already holds the resource through
 * a {@code lock()} step keeps it untouched.
 */
public final class LockMirror implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String RESOURCE_PREFIX = "deployster:";

    private final String resource;
    private boolean held;
    private boolean heldByLockStep;

    public LockMirror(String project) {
        this.resource = resourceName(project);
    }

    /** The lockable resource that mirrors a project's deploy lock. */
    public static String resourceName(String project) {
        return RESOURCE_PREFIX + project;
    }

    public String resource() {
        return resource;
    }

    public synchronized boolean held() {
        return held;
    }

    /**
     * Follows the job's events: takes the resource when the job starts, frees it when it finishes.
     *
     * @return notes for the console (may be empty)
     */
    public synchronized List<String> onEntry(LogEntry entry, JenkinsResources resources) {
        if (entry.isLine()) {
            return List.of();
        }
        if (Event.STARTED.equals(entry.event())) {
            return acquire(resources);
        }
        if (entry.isFinished()) {
            return release(resources);
        }
        return List.of();
    }

    /** This deploy's build holds the resource for it (the controller's ResourceLedger decided so). */
    public synchronized void recordHeld() {
        held = true;
    }

    /** The build holds the resource through a lock step around this deploy: leave it to that step. */
    public synchronized void recordLockStep() {
        heldByLockStep = true;
    }

    /** @return whether the resource was recorded as held for this deploy; it no longer is */
    public synchronized boolean takeHeld() {
        boolean was = held;
        held = false;
        return was;
    }

    /** Frees the resource if this mirror took it (the step ended some other way). */
    public synchronized List<String> release(JenkinsResources resources) {
        if (!held) {
            return List.of();
        }
        held = false;
        try {
            resources.unlock(resource);
            return List.of();
        } catch (RuntimeException e) {
            return List.of("could not free lockable resource " + resource + " (" + e.getMessage()
                    + "); it is freed when the build ends");
        }
    }

    private List<String> acquire(JenkinsResources resources) {
        List<String> notes = new ArrayList<>();
        if (held || heldByLockStep) {
            return notes;
        }
        try {
            if (resources.heldByThisBuild(resource)) {
                heldByLockStep = true;
                notes.add("this build already holds lockable resource " + resource + " (lock step); it stays with that step");
            } else if (resources.tryLock(resource)) {
                held = true;
                notes.add("lockable resource " + resource + " is held by this build while the job runs");
            } else {
                String holder = resources.holder(resource);
                notes.add(holder == null
                        ? "could not take lockable resource " + resource + " (does it exist? ephemeral resources may be disabled);"
                                + " the deploy goes on because the Redis project lock decides"
                        : "lockable resource " + resource + " is held by " + holder
                                + " in Jenkins; the deploy goes on because the Redis project lock decides");
            }
        } catch (RuntimeException e) {
            notes.add("could not mirror the project lock as lockable resource " + resource + " (" + e.getMessage() + ")");
        }
        return notes;
    }
}
