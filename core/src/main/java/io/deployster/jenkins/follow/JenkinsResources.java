package io.deployster.jenkins.follow;

/**
 * The part of the Lockable Resources plugin the lock mirror needs, for one build. The plugin
 * implements it with {@code LockableResourcesManager}; tests implement it in memory.
 */
public interface JenkinsResources {
    /** True when this build holds the resource already (a {@code lock()} step around the deploy). */
    boolean heldByThisBuild(String name);

    /** Locks the resource for this build if it is free (creating it if needed); false when it is not free. */
    boolean tryLock(String name);

    /** Frees the resource if this build holds it. */
    void unlock(String name);

    /** Who holds the resource, for a message, or null when nobody does. */
    String holder(String name);

    /** Which build this is (Jenkins: {@code Run.getExternalizableId()}), to tell sibling deploys of one build from others. */
    default String buildId() {
        return String.valueOf(System.identityHashCode(this));
    }
}
