package io.deployster.jenkins.follow;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs one deploy's tasks one after the other, in the order given, on a shared executor: the lock
 * mirror's take must run before its free, and the end after both, though many deploys share two threads.
 */
final class Serial {
    private final Executor executor;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    Serial(Executor executor) {
        this.executor = executor;
    }

    void run(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
