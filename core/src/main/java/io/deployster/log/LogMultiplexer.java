package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows many job logs with one thread and one connection: a single {@code XREAD BLOCK} over every
 * followed stream, each from the id of the last entry handed over, so a line reaches its listener as
 * soon as the worker writes it, whichever of the jobs wrote it. A new subscription interrupts the
 * current blocking read ({@code CLIENT UNBLOCK} from a pooled connection) so its backlog arrives at
 * once instead of after the block times out.
 *
 * <p>Listeners run on the reader thread: they must only print and hand anything slow (Redis calls,
 * Jenkins saves) to an executor of their own, or every other followed job waits.
 *
 * <p>A subscription with a {@link Position} has the id of the last entry its listener returned from
 * recorded in Redis ({@code SET key id EX ttl}), pipelined in front of the next {@code XREAD}: no
 * round trip of its own, and never ahead of what the listener was handed. A crash between a listener
 * call and that next round trip leaves the recorded position one batch behind (those entries come again).
 *
 * <p>The read is sent as arguments kept encoded per subscription (each stream's key once, its id
 * when it moves) and its reply parsed straight into {@link LogEntry}s: with 1,000 streams, encoding
 * 2,000 arguments anew per read cost as much again as Redis' own work for the read, and the garbage it
 * made brought young collections whose pauses were the p99 (docs/benchmarks.md, controller-follow).
 */
public final class LogMultiplexer implements AutoCloseable {
    /** What a follower of one job is told, always on the reader thread. */
    public interface Listener {
        /**
         * An entry after the last one handed over; the 'finished' entry ends the subscription after this call.
         * Cancelling the subscription within the call means the entry was not taken (it is not recorded).
         */
        void onEntry(LogEntry entry);

        /** The log had no new entry for a whole blocking read (about a second). */
        default void onIdle() {
        }

        /** Redis cannot be reached; reading resumes by itself from the last entry handed over. */
        default void onOutage(String why) {
        }

        /** Redis answers again after {@link #onOutage}. */
        default void onBack() {
        }
    }

    /**
     * Where a follower's position is recorded: a Redis string key and how long it lives after each write.
     *
     * @param key for example {@link Keys#consolePosition}
     * @param ttl whole seconds, at least 1; renewed at each write
     */
    public record Position(String key, Duration ttl) {
        public Position {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("position key must not be empty");
            }
            if (ttl == null || ttl.toSeconds() < 1) {
                throw new IllegalArgumentException("position ttl " + ttl + " is not allowed; use 1 s or more");
            }
        }
    }

    /** One followed log; cancel it to stop following. */
    public final class Subscription {
        private final String jobId;
        private final String key;
        private final Listener listener;
        private final Position position;
        private final LogStreams.Arg keyArg;
        private final LogStreams.Arg positionKeyArg;
        private final LogStreams.Arg positionTtlArg;
        /** The id of the last entry taken, as text and as the read's argument; written by the reader thread only. */
        private String last;
        private LogStreams.Arg lastArg;
        /** The position last sent to Redis; reader thread only. */
        private String recorded;

        private Subscription(String jobId, String afterId, Position position, Listener listener) {
            this.jobId = jobId;
            this.key = keys.log(jobId);
            // encoded once: sent as is by every read (the client copies a plain argument each time)
            this.keyArg = LogStreams.Arg.of(key);
            this.positionKeyArg = position == null ? null : LogStreams.Arg.of(position.key());
            this.positionTtlArg = position == null ? null : LogStreams.Arg.of(position.ttl().toSeconds());
            this.listener = listener;
            this.position = position;
            moveTo(afterId);
            this.recorded = last;
        }

        private void moveTo(String id) {
            last = id;
            lastArg = LogStreams.Arg.of(id);
        }

        public String jobId() {
            return jobId;
        }

        /** Stops following; no listener call starts after this returns on the reader thread, and at most one more elsewhere. */
        public void cancel() {
            remove(this);
        }
    }

    private static final int COUNT = 1000;
    private static final LogStreams.ReadOptions READ_OPTIONS = new LogStreams.ReadOptions(COUNT, Redis.BLOCK_MILLIS);
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final LogStreams streams;
    private final Keys keys;
    private final Thread reader;
    private final Object lock = new Object();
    private final Map<String, Subscription> byKey = new LinkedHashMap<>();
    /** Subscriptions that ended with a position not yet recorded: written in the reader's next round trip. */
    private final List<Subscription> ended = new ArrayList<>();
    private boolean changed;
    private boolean closed;
    private long readerClientId = -1;
    private boolean blocked;

    public LogMultiplexer(Redis redis, Keys keys, ThreadFactory threads) {
        this.streams = new LogStreams(redis);
        this.keys = keys;
        this.reader = threads.newThread(this::readLoop);
        reader.start();
    }

    /**
     * Follows a job's log from right after {@code afterId} ({@link LogFollower#START} for all of it),
     * until its 'finished' entry or {@link Subscription#cancel()}.
     *
     * @throws IllegalStateException when the job is followed already through this multiplexer
     */
    public Subscription follow(String jobId, String afterId, Listener listener) {
        return follow(jobId, afterId, null, listener);
    }

    /**
     * As {@link #follow(String, String, Listener)}, recording in Redis the id of each entry the listener
     * has returned from, at {@code position} (null: not recorded).
     */
    public Subscription follow(String jobId, String afterId, Position position, Listener listener) {
        if (afterId == null || !afterId.matches("\\d{1,20}-\\d{1,20}")) {
            throw new IllegalArgumentException("log entry id '" + afterId + "' is not a stream id; use MILLIS-SEQUENCE, e.g. "
                    + LogFollower.START);
        }
        Subscription s = new Subscription(jobId, afterId, position, listener);
        long unblock;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the log multiplexer is closed");
            }
            if (byKey.putIfAbsent(s.key, s) != null) {
                throw new IllegalStateException("job " + jobId + " is followed already");
            }
            changed = true;
            lock.notifyAll();
            unblock = blocked ? readerClientId : -1;
        }
        wake(unblock);
        return s;
    }

    /** How many logs are followed now. */
    public int size() {
        synchronized (lock) {
            return byKey.size();
        }
    }

    private void remove(Subscription s) {
        synchronized (lock) {
            if (byKey.remove(s.key, s) && s.position != null) {
                // its last position goes out with the reader's next round trip, even if nothing else is followed
                ended.add(s);
                lock.notifyAll();
            }
        }
    }

    /** Ends a blocking read early so the next read includes the new stream (a timeout reply, not an error). */
    private void wake(long clientId) {
        if (clientId < 0) {
            return;
        }
        try {
            streams.unblock(clientId);
        } catch (RuntimeException e) {
            // the read ends within a second anyway
        }
    }

    private void readLoop() {
        long backoff = 50;
        boolean outage = false;
        while (true) {
            try (LogStreams.Connection connection = streams.open()) {
                long id = connection.clientId();
                synchronized (lock) {
                    readerClientId = id;
                }
                if (outage) {
                    outage = false;
                    backoff = 50;
                    for (Subscription s : snapshot()) {
                        s.listener.onBack();
                    }
                }
                while (true) {
                    List<Subscription> subs;
                    List<Subscription> moved = new ArrayList<>();
                    synchronized (lock) {
                        while (byKey.isEmpty() && ended.isEmpty() && !closed) {
                            lock.wait();
                        }
                        if (closed) {
                            return;
                        }
                        subs = new ArrayList<>(byKey.values());
                        moved.addAll(ended);
                        ended.clear();
                        changed = false;
                        blocked = !subs.isEmpty();
                    }
                    for (Subscription s : subs) {
                        if (s.position != null && !s.last.equals(s.recorded)) {
                            moved.add(s);
                        }
                    }
                    Map<String, List<LogEntry>> reply;
                    try {
                        reply = readAndRecord(connection, subs, moved);
                    } catch (RedisUnavailableException e) {
                        requeueEnded(moved);
                        throw e;
                    } finally {
                        synchronized (lock) {
                            blocked = false;
                        }
                    }
                    deliver(subs, reply);
                }
            } catch (RedisUnavailableException e) {
                if (isClosed()) {
                    return;
                }
                if (!outage) {
                    outage = true;
                    for (Subscription s : snapshot()) {
                        s.listener.onOutage(e.reason());
                    }
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                // a listener's bug must not stop every other follower: skip that batch's remainder, read on
                Logger.getLogger(LogMultiplexer.class.getName())
                        .log(Level.WARNING, "log multiplexer: a listener failed", e);
            }
        }
    }

    /** Redis went away before the last positions of ended subscriptions were written: they go with the next round trip. */
    private void requeueEnded(List<Subscription> moved) {
        synchronized (lock) {
            for (Subscription s : moved) {
                if (byKey.get(s.key) != s && !ended.contains(s)) {
                    ended.add(s);
                }
            }
        }
    }

    /**
     * One round trip: the positions that moved since the last one, then the blocking read of every
     * followed stream. Without positions to record it is the plain {@code XREAD}.
     */
    private Map<String, List<LogEntry>> readAndRecord(LogStreams.Connection connection, List<Subscription> subs, List<Subscription> moved) {
        List<LogStreams.Setex> writes = new ArrayList<>(moved.size());
        List<String> written = new ArrayList<>(moved.size());
        for (Subscription s : moved) {
            written.add(s.last);
            writes.add(new LogStreams.Setex(s.positionKeyArg, s.positionTtlArg, s.lastArg));
        }
        List<LogStreams.Arg> streamKeys = new ArrayList<>(subs.size());
        List<LogStreams.Arg> afterIds = new ArrayList<>(subs.size());
        for (Subscription s : subs) {
            streamKeys.add(s.keyArg);
            afterIds.add(s.lastArg);
        }
        LogStreams.RoundTrip<LogEntry> reply = connection.recordAndRead(writes, READ_OPTIONS, streamKeys, afterIds, LogEntry::new);
        for (int i = 0; i < moved.size(); i++) {
            String refused = reply.refused().get(i);
            if (refused == null) {
                moved.get(i).recorded = written.get(i);
            } else {
                // e.g. a replica or a full Redis: a followed log's position is tried again next round, an ended
                // one's is given up (a resume then starts from the step's saved position, as without this record)
                Logger.getLogger(LogMultiplexer.class.getName()).log(Level.FINE,
                        "could not record the console position of job " + moved.get(i).jobId + ": " + refused);
            }
        }
        return reply.entries();
    }

    private void deliver(List<Subscription> subs, Map<String, List<LogEntry>> reply) {
        Map<String, List<LogEntry>> got = reply == null ? Map.of() : reply;
        boolean woken;
        synchronized (lock) {
            woken = changed;
        }
        for (Subscription s : subs) {
            List<LogEntry> entries = got.get(s.key);
            if (entries == null) {
                // a read cut short by a new subscription says nothing about the others' silence
                if (!woken && reply == null && isFollowed(s)) {
                    s.listener.onIdle();
                }
                continue;
            }
            for (LogEntry entry : entries) {
                if (!isFollowed(s)) {
                    break;
                }
                s.listener.onEntry(entry);
                synchronized (lock) {
                    if (byKey.get(s.key) != s) {
                        // cancelled in that call (a step that stops printing at shutdown): the entry was not taken,
                        // so neither the next read nor the recorded position moves past it
                        break;
                    }
                    s.moveTo(entry.id());
                }
                if (entry.isFinished()) {
                    remove(s);
                }
            }
        }
    }

    private boolean isFollowed(Subscription s) {
        synchronized (lock) {
            return byKey.get(s.key) == s;
        }
    }

    private List<Subscription> snapshot() {
        synchronized (lock) {
            return new ArrayList<>(byKey.values());
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops the reader; the Redis pool is the caller's to close. */
    @Override
    public void close() {
        long unblock;
        synchronized (lock) {
            closed = true;
            byKey.clear();
            lock.notifyAll();
            unblock = blocked ? readerClientId : -1;
        }
        wake(unblock);
        reader.interrupt();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
