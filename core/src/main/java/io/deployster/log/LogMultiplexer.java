package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows many job logs with a few reader threads, each with one connection: the followed streams are
 * shared out among the readers, and each reader runs a single {@code XREAD BLOCK} over its share, each
 * stream from the id of the last entry handed over, so a line reaches its listener as soon as the
 * worker writes it, whichever of the jobs wrote it. A new subscription goes to the reader with the
 * fewest and interrupts that reader's blocking read ({@code CLIENT UNBLOCK} from a pooled connection)
 * so its backlog arrives at once instead of after the block times out.
 *
 * <p>One reader starts with the first subscription; another starts only when every running reader
 * follows {@code perReader} logs, up to {@code maxReaders}. Why more than one: every read names every
 * stream of its reader, and Redis (7.0) answers a woken multi-stream read with the one stream that woke
 * it, so a burst of lines over N streams is collected in several reads of all N; with the streams split
 * over two readers, each read is half as long and the two run side by side (docs/benchmarks.md,
 * controller-follow). Readers, once started, stay until {@link #close()}.
 *
 * <p>Listeners run on a reader thread, always the same one for a subscription (its entries arrive in
 * order, one call at a time), but two subscriptions may be called at once from two readers. Listeners
 * must only print and hand anything slow (Redis calls, Jenkins saves) to an executor of their own, or
 * every other job of that reader waits.
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
        private final Reader reader;
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
        /** In its reader's list of positions to write (reader thread only): a round trip writes only those, not all N. */
        private boolean dirty;

        private Subscription(Reader reader, String jobId, String afterId, Position position, Listener listener) {
            this.reader = reader;
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

        /** Stops following; no listener call starts after this returns on its reader thread, and at most one more elsewhere. */
        public void cancel() {
            remove(this);
        }
    }

    private static final int COUNT = 1000;
    private static final LogStreams.ReadOptions READ_OPTIONS = new LogStreams.ReadOptions(COUNT, Redis.BLOCK_MILLIS);
    private static final long MAX_BACKOFF_MILLIS = 2000;
    /** Upper bound of {@code maxReaders}: each reader holds a thread and a connection of the caller's budget. */
    public static final int MAX_READERS = 4;

    private final LogStreams streams;
    private final Keys keys;
    private final ThreadFactory threads;
    private final int maxReaders;
    private final int perReader;
    /** The readers started so far (guarded by {@code lock}); never more than {@code maxReaders}. */
    private final List<Reader> readers = new ArrayList<>();
    /** Guards every field below and every reader's state. */
    private final Object lock = new Object();
    /** Every followed stream, whichever reader reads it. */
    private final Map<String, Subscription> byKey = new HashMap<>();
    private boolean closed;

    /** One reader thread (and connection) for every followed log. */
    public LogMultiplexer(Redis redis, Keys keys, ThreadFactory threads) {
        this(redis, keys, threads, 1, 1);
    }

    /**
     * @param maxReaders at most this many reader threads share the followed logs, each holding one pooled
     *     connection while it runs (1 to {@value #MAX_READERS})
     * @param perReader a further reader starts when every running one follows this many logs (at least 1)
     */
    public LogMultiplexer(Redis redis, Keys keys, ThreadFactory threads, int maxReaders, int perReader) {
        if (maxReaders < 1 || maxReaders > MAX_READERS) {
            throw new IllegalArgumentException("log readers " + maxReaders + " is not allowed; use 1 to " + MAX_READERS);
        }
        if (perReader < 1) {
            throw new IllegalArgumentException("logs per reader " + perReader + " is not allowed; use 1 or more");
        }
        this.streams = new LogStreams(redis);
        this.keys = keys;
        this.threads = threads;
        this.maxReaders = maxReaders;
        this.perReader = perReader;
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
        Subscription s;
        long unblock;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the log multiplexer is closed");
            }
            if (byKey.containsKey(keys.log(jobId))) {
                throw new IllegalStateException("job " + jobId + " is followed already");
            }
            Reader least = null;
            for (Reader r : readers) {
                if (least == null || r.subs.size() < least.subs.size()) {
                    least = r;
                }
            }
            if (least == null || (least.subs.size() >= perReader && readers.size() < maxReaders)) {
                least = new Reader();
                least.thread = threads.newThread(least::readLoop);
                least.thread.start();
                readers.add(least);
            }
            s = new Subscription(least, jobId, afterId, position, listener);
            byKey.put(s.key, s);
            least.subs.put(s.key, s);
            least.version++;
            least.changed = true;
            lock.notifyAll();
            unblock = least.blocked ? least.clientId : -1;
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
            if (byKey.remove(s.key, s)) {
                s.reader.subs.remove(s.key);
                s.reader.version++;
                if (s.position != null) {
                    // its last position goes out with its reader's next round trip, even if nothing else is followed
                    s.reader.ended.add(s);
                    lock.notifyAll();
                }
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

    /** One reader thread, its connection's client id and its share of the followed streams; all guarded by {@code lock}. */
    private final class Reader {
        private final Map<String, Subscription> subs = new LinkedHashMap<>();
        /** Its subscriptions that ended with a position not yet recorded: written in its next round trip. */
        private final List<Subscription> ended = new ArrayList<>();
        private Thread thread;
        private boolean changed;
        /** Counts changes of {@link #subs}: the reader copies them into an array only when it moved. */
        private long version;
        private long clientId = -1;
        private boolean blocked;
        /** Reader thread only: its subscriptions in read order, as of {@link #copied}. */
        private Subscription[] order = new Subscription[0];
        private long copied = -1;
        /** Reader thread only: followed subscriptions whose position moved since it was last written. */
        private final List<Subscription> dirty = new ArrayList<>();

        private void readLoop() {
            long backoff = 50;
            boolean outage = false;
            while (true) {
                try (LogStreams.Connection connection = streams.open()) {
                    long id = connection.clientId();
                    synchronized (lock) {
                        clientId = id;
                    }
                    if (outage) {
                        outage = false;
                        backoff = 50;
                        for (Subscription s : snapshot()) {
                            s.listener.onBack();
                        }
                    }
                    while (true) {
                        Subscription[] subs;
                        List<Subscription> endedNow;
                        synchronized (lock) {
                            while (this.subs.isEmpty() && ended.isEmpty() && !closed) {
                                lock.wait();
                            }
                            if (closed) {
                                return;
                            }
                            if (copied != version) {
                                order = this.subs.values().toArray(new Subscription[0]);
                                copied = version;
                            }
                            subs = order;
                            endedNow = ended.isEmpty() ? List.of() : new ArrayList<>(ended);
                            ended.clear();
                            changed = false;
                            blocked = subs.length > 0;
                        }
                        List<Subscription> moved = moved(endedNow);
                        List<Batch> reply;
                        try {
                            Round round = readAndRecord(connection, subs, moved);
                            for (Subscription s : round.unwritten()) {
                                // e.g. a replica or a full Redis: a followed log's position is tried again next round, an
                                // ended one's is given up (a resume then starts from the step's saved position, as without it)
                                if (isFollowed(s)) {
                                    markDirty(s);
                                }
                            }
                            reply = round.reply();
                        } catch (RedisUnavailableException e) {
                            requeue(moved);
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
                            .log(Level.WARNING, "log multiplexer: a listener failed (its batch's remaining entries come again)", e);
                }
            }
        }

        /**
         * The positions to write in this round trip: those that moved since written (the dirty list, emptied
         * here) and those of subscriptions that ended meanwhile, each once.
         */
        private List<Subscription> moved(List<Subscription> endedNow) {
            List<Subscription> moved = new ArrayList<>(dirty.size() + endedNow.size());
            // the mark stays on while a subscription is in the list, so that an ended one goes in once
            for (Subscription s : dirty) {
                if (!s.last.equals(s.recorded)) {
                    moved.add(s);
                } else {
                    s.dirty = false;
                }
            }
            dirty.clear();
            for (Subscription s : endedNow) {
                if (!s.dirty) {
                    s.dirty = true;
                    moved.add(s);
                }
            }
            for (Subscription s : moved) {
                s.dirty = false;
            }
            return moved;
        }

        /** Redis went away before these positions were written: they go with the next round trip. */
        private void requeue(List<Subscription> moved) {
            List<Subscription> gone = new ArrayList<>();
            synchronized (lock) {
                for (Subscription s : moved) {
                    if (byKey.get(s.key) == s) {
                        markDirty(s);
                    } else if (!ended.contains(s)) {
                        gone.add(s);
                    }
                }
                ended.addAll(gone);
            }
        }

        /** Reader thread only. */
        private void markDirty(Subscription s) {
            if (s.position != null && !s.dirty) {
                s.dirty = true;
                dirty.add(s);
            }
        }

        private void deliver(Subscription[] subs, List<Batch> reply) {
            if (reply == null) {
                boolean woken;
                synchronized (lock) {
                    woken = changed;
                }
                // a read cut short by a new subscription says nothing about the others' silence
                for (Subscription s : subs) {
                    if (!woken && isFollowed(s)) {
                        s.listener.onIdle();
                    }
                }
                return;
            }
            for (Batch batch : reply) {
                Subscription s = batch.to();
                for (LogEntry entry : batch.entries()) {
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
                    markDirty(s);
                    if (entry.isFinished()) {
                        remove(s);
                    }
                }
            }
        }

        private List<Subscription> snapshot() {
            synchronized (lock) {
                return new ArrayList<>(subs.values());
            }
        }
    }

    /** The entries read from one followed log in one round trip, oldest first. */
    private record Batch(Subscription to, List<LogEntry> entries) {
    }

    /**
     * What one round trip brought: the entries per log that had any (null when the block timed out or was
     * cut short), and the subscriptions whose position Redis refused to write.
     */
    private record Round(List<Batch> reply, List<Subscription> unwritten) {
    }

    /**
     * One round trip: the positions that moved since the last one, then the blocking read of {@code subs}'
     * streams. Without positions to record it is the plain {@code XREAD}.
     */
    private Round readAndRecord(LogStreams.Connection connection, Subscription[] subs, List<Subscription> moved) {
        List<LogStreams.Setex> writes = new ArrayList<>(moved.size());
        List<String> written = new ArrayList<>(moved.size());
        for (Subscription s : moved) {
            written.add(s.last);
            writes.add(new LogStreams.Setex(s.positionKeyArg, s.positionTtlArg, s.lastArg));
        }
        List<LogStreams.Arg> streamKeys = new ArrayList<>(subs.length);
        List<LogStreams.Arg> afterIds = new ArrayList<>(subs.length);
        for (Subscription s : subs) {
            streamKeys.add(s.keyArg);
            afterIds.add(s.lastArg);
        }
        LogStreams.RoundTrip<LogEntry> trip = connection.recordAndRead(writes, READ_OPTIONS, streamKeys, afterIds, LogEntry::new);
        List<Subscription> unwritten = List.of();
        for (int i = 0; i < moved.size(); i++) {
            String refused = trip.refused().get(i);
            if (refused == null) {
                moved.get(i).recorded = written.get(i);
            } else {
                Logger.getLogger(LogMultiplexer.class.getName()).log(Level.FINE,
                        "could not record the console position of job " + moved.get(i).jobId + ": " + refused);
                if (unwritten.isEmpty()) {
                    unwritten = new ArrayList<>();
                }
                unwritten.add(moved.get(i));
            }
        }
        if (trip.entries() == null) {
            return new Round(null, unwritten);
        }
        List<Batch> got = new ArrayList<>(trip.entries().size());
        for (Subscription s : subs) {
            List<LogEntry> entries = trip.entries().get(s.key);
            if (entries != null) {
                got.add(new Batch(s, entries));
            }
        }
        return new Round(got, unwritten);
    }

    private boolean isFollowed(Subscription s) {
        synchronized (lock) {
            return byKey.get(s.key) == s;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops the readers; the Redis pool is the caller's to close. */
    @Override
    public void close() {
        List<Long> unblock = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            byKey.clear();
            for (Reader r : readers) {
                r.subs.clear();
                if (r.blocked) {
                    unblock.add(r.clientId);
                }
            }
            lock.notifyAll();
        }
        unblock.forEach(this::wake);
        List<Reader> all;
        synchronized (lock) {
            all = List.copyOf(readers);
        }
        all.forEach(r -> r.thread.interrupt());
        for (Reader r : all) {
            try {
                r.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
