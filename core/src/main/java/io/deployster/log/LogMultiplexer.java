package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.UnblockType;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

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
        /** Written by the reader thread only (and by remove(), under the lock, once the reader has let go). */
        private StreamEntryID last;
        /** The position last sent to Redis; reader thread only. */
        private StreamEntryID recorded;

        private Subscription(String jobId, String afterId, Position position, Listener listener) {
            this.jobId = jobId;
            this.key = keys.log(jobId);
            this.listener = listener;
            this.position = position;
            this.last = new StreamEntryID(afterId);
            this.recorded = last;
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
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final Redis redis;
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
        this.redis = redis;
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
            redis.run(j -> j.clientUnblock(clientId, UnblockType.TIMEOUT));
        } catch (RuntimeException e) {
            // the read ends within a second anyway
        }
    }

    private void readLoop() {
        long backoff = 50;
        boolean outage = false;
        while (true) {
            try (Jedis jedis = redis.borrow()) {
                long id = jedis.clientId();
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
                    List<Map.Entry<String, List<StreamEntry>>> reply;
                    try {
                        reply = readAndRecord(jedis, subs, moved);
                    } finally {
                        synchronized (lock) {
                            blocked = false;
                        }
                    }
                    deliver(subs, reply);
                }
            } catch (JedisConnectionException e) {
                if (isClosed()) {
                    return;
                }
                if (!outage) {
                    outage = true;
                    for (Subscription s : snapshot()) {
                        s.listener.onOutage(String.valueOf(e.getMessage()));
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
                java.util.logging.Logger.getLogger(LogMultiplexer.class.getName())
                        .log(java.util.logging.Level.WARNING, "log multiplexer: a listener failed", e);
            }
        }
    }

    /**
     * One round trip: the positions that moved since the last one, then the blocking read of every
     * followed stream. Without positions to record it is the plain {@code XREAD}.
     */
    private List<Map.Entry<String, List<StreamEntry>>> readAndRecord(Jedis jedis, List<Subscription> subs, List<Subscription> moved) {
        XReadParams params = XReadParams.xReadParams().count(COUNT).block(Redis.BLOCK_MILLIS);
        Map<String, StreamEntryID> streams = new LinkedHashMap<>();
        for (Subscription s : subs) {
            streams.put(s.key, s.last);
        }
        if (moved.isEmpty()) {
            return jedis.xread(params, streams);
        }
        Pipeline pipeline = jedis.pipelined();
        List<Response<String>> writes = new ArrayList<>(moved.size());
        List<StreamEntryID> written = new ArrayList<>(moved.size());
        for (Subscription s : moved) {
            StreamEntryID at = s.last;
            written.add(at);
            writes.add(pipeline.setex(s.position.key(), s.position.ttl().toSeconds(), at.toString()));
        }
        Response<List<Map.Entry<String, List<StreamEntry>>>> read = streams.isEmpty() ? null : pipeline.xread(params, streams);
        pipeline.sync();
        for (int i = 0; i < moved.size(); i++) {
            try {
                writes.get(i).get();
                moved.get(i).recorded = written.get(i);
            } catch (JedisDataException e) {
                // e.g. a replica or a full Redis: a followed log's position is tried again next round, an ended
                // one's is given up (a resume then starts from the step's saved position, as without this record)
                java.util.logging.Logger.getLogger(LogMultiplexer.class.getName()).log(java.util.logging.Level.FINE,
                        "could not record the console position of job " + moved.get(i).jobId, e);
            }
        }
        return read == null ? null : read.get();
    }

    private void deliver(List<Subscription> subs, List<Map.Entry<String, List<StreamEntry>>> reply) {
        Map<String, List<StreamEntry>> got = new HashMap<>();
        if (reply != null) {
            for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                got.put(stream.getKey(), stream.getValue());
            }
        }
        boolean woken;
        synchronized (lock) {
            woken = changed;
        }
        for (Subscription s : subs) {
            List<StreamEntry> entries = got.get(s.key);
            if (entries == null) {
                // a read cut short by a new subscription says nothing about the others' silence
                if (!woken && reply == null && isFollowed(s)) {
                    s.listener.onIdle();
                }
                continue;
            }
            for (StreamEntry e : entries) {
                if (!isFollowed(s)) {
                    break;
                }
                LogEntry entry = new LogEntry(e.getID().toString(), e.getFields());
                s.listener.onEntry(entry);
                synchronized (lock) {
                    if (byKey.get(s.key) != s) {
                        // cancelled in that call (a step that stops printing at shutdown): the entry was not taken,
                        // so neither the next read nor the recorded position moves past it
                        break;
                    }
                    s.last = e.getID();
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
