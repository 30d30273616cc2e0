package io.deployster.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * How one worker process behaves.
 *
 * @param name shown on every job it runs; unique per worker (host name and pid by default)
 * @param killGrace time between TERM and KILL when a job is cancelled or times out
 * @param maxLineBytes longer output lines are cut and marked
 * @param shutdownGrace how long running jobs may go on after a shutdown request before they are cancelled
 * @param lostAfter a worker silent this long is dead: its running jobs are marked lost
 * @param claimIdle an entry taken but not started for this long is taken over from its (dead) worker
 */
public record WorkerOptions(String name, List<String> queues, int concurrency, Duration killGrace, int maxLineBytes,
                            Duration shutdownGrace, Duration lostAfter, Duration claimIdle) {

    public WorkerOptions {
        queues = List.copyOf(queues);
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one queue to serve");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency " + concurrency + " is not allowed; use 1 to 256 jobs at once");
        }
        if (maxLineBytes < 32 || maxLineBytes > 16 * 1024 * 1024) {
            // 0 would cut every line to nothing; above 16 MiB one line could fill the worker's heap
            throw new IllegalArgumentException("max-line-bytes " + maxLineBytes + " is not allowed; use 32 to 16777216 bytes");
        }
        if (lostAfter.toMillis() < 500) {
            throw new IllegalArgumentException("lost-after " + lostAfter.toMillis() + " ms is not allowed; use at least 500 ms");
        }
    }

    public static WorkerOptions defaults(List<String> queues) {
        return new WorkerOptions(defaultName(), queues, 1, Duration.ofSeconds(10), 16 * 1024, Duration.ofSeconds(60),
                Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    public WorkerOptions withName(String v) {
        return new WorkerOptions(v, queues, concurrency, killGrace, maxLineBytes, shutdownGrace, lostAfter, claimIdle);
    }

    public WorkerOptions withConcurrency(int v) {
        return new WorkerOptions(name, queues, v, killGrace, maxLineBytes, shutdownGrace, lostAfter, claimIdle);
    }

    public WorkerOptions withKillGrace(Duration v) {
        return new WorkerOptions(name, queues, concurrency, v, maxLineBytes, shutdownGrace, lostAfter, claimIdle);
    }

    public WorkerOptions withMaxLineBytes(int v) {
        return new WorkerOptions(name, queues, concurrency, killGrace, v, shutdownGrace, lostAfter, claimIdle);
    }

    public WorkerOptions withClaimIdle(Duration v) {
        return new WorkerOptions(name, queues, concurrency, killGrace, maxLineBytes, shutdownGrace, lostAfter, v);
    }

    /** How often the worker says it is alive: five times per lost-after period. */
    public Duration heartbeatEvery() {
        return lostAfter.dividedBy(5);
    }

    public static String defaultName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isEmpty()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "worker";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
