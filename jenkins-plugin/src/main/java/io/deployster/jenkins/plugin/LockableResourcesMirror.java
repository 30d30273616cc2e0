package io.deployster.jenkins.plugin;

import hudson.model.Run;
import io.deployster.jenkins.JenkinsResources;
import java.util.List;
import org.jenkins.plugins.lockableresources.LockableResource;
import org.jenkins.plugins.lockableresources.LockableResourcesManager;

/**
 * The lock mirror's view of the Lockable Resources plugin for one build, through its public API
 * only: {@code LockableResourcesManager.get/getResources/createResource/lock/unlockNames} and
 * {@code LockableResource.getName/getBuild/getReservedBy}. The decisions are the core's LockMirror.
 */
final class LockableResourcesMirror implements JenkinsResources {
    private final Run<?, ?> build;

    LockableResourcesMirror(Run<?, ?> build) {
        this.build = build;
    }

    @Override
    public boolean heldByThisBuild(String name) {
        LockableResource resource = find(name);
        return resource != null && build.equals(resource.getBuild());
    }

    @Override
    public boolean tryLock(String name) {
        LockableResourcesManager manager = LockableResourcesManager.get();
        synchronized (LockableResourcesManager.syncResources) {
            // an ephemeral resource, removed when freed; false when it exists already (or is declared)
            manager.createResource(name);
            LockableResource resource = find(name);
            return resource != null && manager.lock(List.of(resource), build);
        }
    }

    @Override
    public void unlock(String name) {
        LockableResourcesManager.get().unlockNames(List.of(name), build);
    }

    @Override
    public String holder(String name) {
        LockableResource resource = find(name);
        if (resource == null) {
            return null;
        }
        Run<?, ?> holder = resource.getBuild();
        if (holder != null) {
            return "build " + holder.getFullDisplayName();
        }
        String reservedBy = resource.getReservedBy();
        return reservedBy == null ? null : "a reservation of " + reservedBy;
    }

    private static LockableResource find(String name) {
        synchronized (LockableResourcesManager.syncResources) {
            for (LockableResource resource : LockableResourcesManager.get().getResources()) {
                if (name.equals(resource.getName())) {
                    return resource;
                }
            }
        }
        return null;
    }
}
