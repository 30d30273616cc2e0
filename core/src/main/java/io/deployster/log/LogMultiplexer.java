package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.UnblockType;
import redis.clients.jedis.exceptions.JedisConnectionException;
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
 */
public final class LogMultiplexer implements AutoCloseable {
    /** What a follower of one job is told, always on the reader thread. */
    public interface Listener {
        /** An entry after the last one handed over; the 'finished' entry ends the subscription after this call. */
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

    /** One followed log; cancel it to stop following. */
    public final class Subscription {
        private final String jobId;
        private final String key;
        private final Listener listener;
        private StreamEntryID last;

        private Subscription(String jobId, String afterId, Listener listener) {
            this.jobId = jobId;
            this.key = keys.log(jobId);
            this.listener = listener;
            this.last = new StreamEntryID(afterId);
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
        Subscription s = new Subscription(jobId, afterId, listener);
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
            byKey.remove(s.key, s);
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
                    synchronized (lock) {
                        while (byKey.isEmpty() && !closed) {
                            lock.wait();
                        }
                        if (closed) {
                            return;
                        }
                        subs = new ArrayList<>(byKey.values());
                        changed = false;
                        blocked = true;
                    }
                    Map<String, StreamEntryID> streams = new LinkedHashMap<>();
                    for (Subscription s : subs) {
                        streams.put(s.key, s.last);
                    }
                    List<Map.Entry<String, List<StreamEntry>>> reply;
                    try {
                        reply = jedis.xread(XReadParams.xReadParams().count(COUNT).block(Redis.BLOCK_MILLIS), streams);
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
                s.last = e.getID();
                LogEntry entry = new LogEntry(e.getID().toString(), e.getFields());
                if (entry.isFinished()) {
                    remove(s);
                }
                s.listener.onEntry(entry);
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
