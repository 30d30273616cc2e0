package io.deployster.worker;

import java.util.concurrent.ThreadFactory;

/** Names a worker's threads by their role, so a thread dump reads as the worker's parts. */
final class Threads {
    private Threads() {
    }

    /** Daemon threads named {@code worker-ROLE}: a worker's threads never keep the JVM alive. */
    static ThreadFactory daemon(String role) {
        return r -> {
            Thread t = new Thread(r, "worker-" + role);
            t.setDaemon(true);
            return t;
        };
    }
}
