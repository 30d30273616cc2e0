package io.deployster.jenkins.follow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The controller's Redis clients: one {@link SharedRedis} per address (the global one, and each
 * step-level override in use), and one small pool of threads for every step's Redis calls and
 * timers. With one Redis configured that is {@value #WORK_THREADS} + 1 threads (+ 1 while more than
 * {@value SharedRedis#LOGS_PER_READER} logs are followed) and at most
 * {@value SharedRedis#MAX_CONNECTIONS} connections, however many deploys are followed.
 */
public final class ControllerRedis implements AutoCloseable {
    public static final int WORK_THREADS = 2;
    /** Every thread of this class's making starts with this name. */
    public static final String THREAD_PREFIX = "deployster-";

    private final Map<String, SharedRedis> byAddress = new HashMap<>();
    private final AtomicInteger readers = new AtomicInteger();
    private final ScheduledExecutorService work;
    private final ResourceLedger locks = new ResourceLedger();

    public ControllerRedis() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(WORK_THREADS,
                daemon(() -> THREAD_PREFIX + "work-" + n.incrementAndGet()));
        pool.setRemoveOnCancelPolicy(true);
        this.work = pool;
    }

    /** Which deploy each mirrored lockable resource is held for, across all builds of this controller. */
    public ResourceLedger locks() {
        return locks;
    }

    /** Submits, status reads, cancels, lock mirror calls and the stop fallback run here, never on the pipeline's thread. */
    public ScheduledExecutorService work() {
        return work;
    }

    /**
     * The shared clients of one Redis, created on first use (no connection is made until one is needed).
     *
     * @param uriWithCredentials the address with its credentials (a changed credential is another Redis here)
     */
    public synchronized SharedRedis of(String uriWithCredentials) {
        return byAddress.computeIfAbsent(uriWithCredentials,
                uri -> new SharedRedis(uri, daemon(() -> THREAD_PREFIX + "logs-" + readers.incrementAndGet())));
    }

    /**
     * The global configuration changed: closes the clients of every address that no deploy follows now
     * (the next step builds them anew with the new settings); those still in use stay until restart.
     */
    public void configurationChanged() {
        List<SharedRedis> idle = new ArrayList<>();
        synchronized (this) {
            byAddress.values().removeIf(shared -> {
                if (shared.logs().size() == 0) {
                    idle.add(shared);
                    return true;
                }
                return false;
            });
        }
        idle.forEach(SharedRedis::close);
    }

    @Override
    public void close() {
        work.shutdownNow();
        List<SharedRedis> all;
        synchronized (this) {
            all = new ArrayList<>(byAddress.values());
            byAddress.clear();
        }
        all.forEach(SharedRedis::close);
    }

    private static ThreadFactory daemon(Supplier<String> name) {
        return r -> {
            Thread t = new Thread(r, name.get());
            t.setDaemon(true);
            return t;
        };
    }
}
