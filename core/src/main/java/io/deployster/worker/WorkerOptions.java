package io.deployster.worker;

import java.time.Duration;
import java.util.List;

/**
 * How one worker process behaves.
 *
 * @param name shown on every job it runs; unique per worker (host name and pid by default)
 * @param killGrace time between TERM and KILL when a job is cancelled or times out
 * @param maxLineBytes longer output lines are cut and marked
 */
public record WorkerOptions(String name, List<String> queues, int concurrency, Duration killGrace, int maxLineBytes,
                            Duration shutdownGrace) {

    public WorkerOptions {
        queues = List.copyOf(queues);
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one queue to serve");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency " + concurrency + " is not allowed; use 1 to 256 jobs at once");
        }
    }

    public static WorkerOptions defaults(List<String> queues) {
        return new WorkerOptions(defaultName(), queues, 1, Duration.ofSeconds(10), 16 * 1024, Duration.ofSeconds(60));
    }

    public WorkerOptions withName(String v) {
        return new WorkerOptions(v, queues, concurrency, killGrace, maxLineBytes, shutdownGrace);
    }

    public WorkerOptions withConcurrency(int v) {
        return new WorkerOptions(name, queues, v, killGrace, maxLineBytes, shutdownGrace);
    }

    public WorkerOptions withKillGrace(Duration v) {
        return new WorkerOptions(name, queues, concurrency, v, maxLineBytes, shutdownGrace);
    }

    public WorkerOptions withMaxLineBytes(int v) {
        return new WorkerOptions(name, queues, concurrency, killGrace, v, shutdownGrace);
    }

    public static String defaultName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isEmpty()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "worker";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
