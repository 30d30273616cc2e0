package io.deployster.jenkins.plugin;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.listeners.ItemListener;
import java.util.function.BooleanSupplier;
import jenkins.model.Jenkins;

/**
 * Knows when this Jenkins starts shutting down: {@code onBeforeShutdown} runs before the terminators
 * that save running pipelines, so a follower that stops printing from then on is saved pointing
 * exactly after the last line the console shows, and resumes from there with no gap and no repeat.
 */
@Extension
public class ShutdownWatch extends ItemListener {
    private volatile boolean stopping;

    @Override
    public void onBeforeShutdown() {
        stopping = true;
    }

    /** True from the moment this Jenkins (the one running now) starts shutting down, or once it is gone. */
    static BooleanSupplier haltedSinceNow() {
        Jenkins owner = Jenkins.get();
        ShutdownWatch watch = ExtensionList.lookupSingleton(ShutdownWatch.class);
        return () -> watch.stopping || Jenkins.getInstanceOrNull() != owner;
    }
}
