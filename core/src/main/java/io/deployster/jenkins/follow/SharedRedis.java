package io.deployster.jenkins.follow;

import io.deployster.client.DeploysterClient;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.log.LogMultiplexer;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.sign.JobSigner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Everything the controller needs of one Redis, shared by all its steps: a small connection pool and
 * one {@link LogMultiplexer} that follows every job's log: one reader thread (and connection), a second
 * once more than {@value #LOGS_PER_READER} logs are followed. Steps get clients over the shared pool;
 * nothing is opened per step.
 */
public final class SharedRedis implements AutoCloseable {
    /**
     * At most this many log reader threads, each holding a blocking connection: at 1,000 followed logs two
     * halve the length of each read, which a line's latency waits for (docs/benchmarks.md, controller-follow).
     */
    public static final int LOG_READERS = 2;
    /** The second reader starts when the first follows this many logs: below that one read of all is short. */
    public static final int LOGS_PER_READER = 200;
    /** The multiplexer's blocking connections plus the quick calls of every step (submit, status, cancel). */
    public static final int MAX_CONNECTIONS = 6;
    /** How these connections are named in CLIENT LIST. */
    public static final String CLIENT_NAME = "deployster-jenkins";

    private final Redis redis;
    private final Keys keys = Keys.defaults();
    private final LogMultiplexer logs;

    public SharedRedis(String uriWithCredentials, ThreadFactory threads) {
        this.redis = new Redis(RedisUri.parse(uriWithCredentials), MAX_CONNECTIONS, null, CLIENT_NAME);
        this.logs = new LogMultiplexer(redis, keys, threads, LOG_READERS, LOGS_PER_READER);
    }

    public LogMultiplexer logs() {
        return logs;
    }

    /**
     * Where the console position of {@code build}'s step following {@code jobId} is recorded; it lives as
     * long as the job's log does once the job ends ({@code retention}, renewed at each write).
     */
    public LogMultiplexer.Position consolePosition(String jobId, String build, Duration retention) {
        return new LogMultiplexer.Position(keys.consolePosition(jobId, build), retention);
    }

    /**
     * The recorded console position (a log entry id), or null when none is recorded or it expired.
     *
     * @throws io.deployster.redis.RedisUnavailableException when Redis cannot be reached
     */
    public String recordedPosition(LogMultiplexer.Position position) {
        return redis.get(position.key());
    }

    /** At most {@code max} entries of the job's log after {@code afterId}, oldest first. */
    public List<LogEntry> entriesAfter(String jobId, String afterId, int max) {
        return new LogFollower(redis, keys).read(jobId, afterId, max);
    }

    /** A client over the shared pool (closing it leaves the pool open); signs with {@code signer} unless null. */
    public DeploysterClient client(QueueSettings settings, JobSigner signer) {
        JobQueue queue = JobQueue.create(redis, keys, settings, signer);
        return new DeploysterClient(redis, queue, new LogFollower(redis, keys));
    }

    @Override
    public void close() {
        logs.close();
        redis.close();
    }
}
