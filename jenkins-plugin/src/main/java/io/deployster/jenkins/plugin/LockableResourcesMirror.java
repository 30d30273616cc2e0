package io.deployster.jenkins.plugin;

import hudson.model.Run;
import io.deployster.jenkins.follow.JenkinsResources;
import java.util.List;
import org.jenkins.plugins.lockableresources.LockableResource;
import org.jenkins.plugins.lockableresources.LockableResourcesManager;

/**
 * The lock mirror's view of the Lockable Resources plugin for one build, through its public API
 * only: {@code LockableResourcesManager.get/getResources/createResource/lock/unlockNames} and
 * {@code LockableResource.getName/getBuild/getReservedBy}. The decisions are the core's ResourceLedger.
 */
final class LockableResourcesMirror implements JenkinsResources {
    private final Run<?, ?> build;

    LockableResourcesMirror(Run<?, ?> build) {
        this.build = build;
    }

    @Override
    public boolean heldByThisBuild(String name) {
        synchronized (LockableResourcesManager.syncResources) {
            LockableResource resource = find(name);
            return resource != null && build.equals(resource.getBuild());
        }
    }

    @Override
    public boolean tryLock(String name) {
        LockableResourcesManager manager = LockableResourcesManager.get();
        // outside syncResources: addResource schedules queue maintenance, which must not run under that lock;
        // an ephemeral resource, removed when freed; false when it exists already (or is declared)
        manager.createResource(name);
        LockableResource resource = find(name);
        return resource != null && manager.lock(List.of(resource), build);
    }

    @Override
    public String buildId() {
        return build.getExternalizableId();
    }

    @Override
    public void unlock(String name) {
        LockableResourcesManager.get().unlockNames(List.of(name), build);
    }

    @Override
    public String holder(String name) {
        Run<?, ?> holder;
        String reservedBy;
        synchronized (LockableResourcesManager.syncResources) {
            // read together under the manager's lock, so both describe the same moment
            LockableResource resource = find(name);
            if (resource == null) {
                return null;
            }
            holder = resource.getBuild();
            reservedBy = resource.getReservedBy();
        }
        if (holder != null) {
            return "build " + holder.getFullDisplayName();
        }
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
