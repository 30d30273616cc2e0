package io.deployster.jenkins.follow;

import java.io.Serializable;

/**
 * One deploy's share of the Jenkins lockable resource {@code deployster:<project>} that mirrors its
 * Redis project lock: whether {@link ResourceLedger} holds the resource for this deploy (not when a
 * {@code lock()} step around it does). Saved with the step, so a resumed step frees what it held.
 */
public final class LockMirror implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String RESOURCE_PREFIX = "deployster:";

    private final String resource;
    private boolean held;

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

    /** This deploy's build holds the resource for it (the controller's ResourceLedger decided so). */
    public synchronized void recordHeld() {
        held = true;
    }

    /** @return whether the resource was recorded as held for this deploy; it no longer is */
    public synchronized boolean takeHeld() {
        boolean was = held;
        held = false;
        return was;
    }
}
