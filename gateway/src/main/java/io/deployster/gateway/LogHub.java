package io.deployster.gateway;

import io.deployster.log.LogEntry;
import io.deployster.log.MultiLogReader;
import io.deployster.redis.Backoff;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.redis.StreamId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the logs of every job the gateway's clients follow with one thread and one Redis
 * connection: one blocking XREAD over all their streams, from the oldest position any follower of
 * each job needs. A follower that joins while the read blocks wakes it with CLIENT UNBLOCK, so it
 * waits for no timeout. Entries go to each follower's listener on this thread (encoded once per
 * format, shared by all followers of the job); the listener writes without blocking, so followers
 * cost a bounded buffer each, neither a thread nor a connection. A follower whose buffer is full is
 * paused (left out of the reads) and resumed from its own position once it drained, so a slow client
 * misses nothing and holds no one up.
 *
 * <p>Not {@link io.deployster.log.LogMultiplexer}: that follows each job once for one listener, while
 * here any number of clients follow the same job, each from its own position (Last-Event-ID).
 */
public final class LogHub implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogHub.class.getName());
    /** Each blocking read ends after this long, to notice followers that wait for nothing (see {@link #endStale}). */
    private static final int BLOCK_MILLIS = 1000;
    private static final long STALE_CHECK_NANOS = 5_000_000_000L;

    private final LogStreams streams;
    private final MultiLogReader reader;
    private final Map<String, List<LogSubscription>> byJob = new HashMap<>();
    /** Followers given entries by the last read, flushed once the hub's lock is let go; hub thread only. */
    private final Map<String, List<LogSubscription>> toFlush = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    // the read in flight: its positions and the connection's client id, for CLIENT UNBLOCK
    private Map<String, String> inFlight = Map.of();
    private long generation;
    private boolean blocking;
    private volatile long clientId = -1;
    private boolean wakeRequested;

    public LogHub(Redis redis, MultiLogReader reader) {
        this.streams = new LogStreams(redis);
        this.reader = reader;
        this.thread = new Thread(this::run, "deployster-log-hub");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Follows {@code jobId}'s log from after entry {@code afterId}: the listener gets every later
     * entry, in order, on the hub's thread, until the 'finished' entry, an end, or {@link LogSubscription#close()}.
     */
    public LogSubscription subscribe(String jobId, String afterId, LogSubscription.Listener listener) {
        LogSubscription sub = subscription(jobId, afterId, listener);
        start(sub);
        return sub;
    }

    /** A subscription not fed yet, for a listener that must know it before the first entry; {@link #start} it. */
    LogSubscription subscription(String jobId, String afterId, LogSubscription.Listener listener) {
        return new LogSubscription(this, jobId, afterId, listener);
    }

    /** Starts feeding a subscription made by {@link #subscription}. */
    void start(LogSubscription sub) {
        synchronized (this) {
            if (sub.over) {
                return;
            }
            if (closed) {
                sub.over = true;
                sub.listener.end(LogSubscription.End.HUB_CLOSED);
                return;
            }
            byJob.computeIfAbsent(sub.jobId, k -> new ArrayList<>()).add(sub);
        }
        activate(sub);
    }

    /** A paused follower drained its buffer: read its job again from its last entry. */
    void resume(LogSubscription sub) {
        synchronized (this) {
            if (!sub.paused || sub.over) {
                return;
            }
            sub.paused = false;
        }
        activate(sub);
    }

    // A read in flight that does not cover this follower's position ends early, so its entries come now, not after the block.
    private void activate(LogSubscription sub) {
        long wakeGeneration = -1;
        synchronized (this) {
            String reading = inFlight.get(sub.jobId);
            if (blocking && !wakeRequested && (reading == null || compare(sub.last, reading) < 0)) {
                wakeRequested = true;
                wakeGeneration = generation;
            }
            notifyAll();
        }
        if (wakeGeneration >= 0) {
            wake(wakeGeneration);
        }
    }

    synchronized void remove(LogSubscription sub) {
        sub.over = true;
        List<LogSubscription> subs = byJob.get(sub.jobId);
        if (subs != null) {
            subs.remove(sub);
            if (subs.isEmpty()) {
                byJob.remove(sub.jobId);
            }
        }
    }

    /** How many followers are subscribed now. */
    public synchronized int followers() {
        return byJob.values().stream().mapToInt(List::size).sum();
    }

    // The read may not have reached Redis yet when a follower joins: retry until it is blocked or has returned.
    private void wake(long wakeGeneration) {
        for (int i = 0; i < 500; i++) {
            synchronized (this) {
                if (generation != wakeGeneration || !blocking) {
                    return;
                }
            }
            long id = clientId;
            try {
                if (id >= 0 && streams.unblock(id)) {
                    return;
                }
            } catch (RuntimeException e) {
                return; // the hub reconnects and reads again anyway
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        long outageSince = 0; // System.nanoTime() of the first failed try of an outage, 0 while connected
        while (!closed) {
            try (LogStreams.Connection connection = streams.open()) {
                clientId = connection.clientId();
                backoff.reset();
                if (outageSince != 0) {
                    LOG.log(Level.INFO, "log hub reconnected to Redis after " + (System.nanoTime() - outageSince) / 1_000_000_000L
                            + " s; followers resume where they were");
                    outageSince = 0;
                }
                loop(connection);
            } catch (RedisUnavailableException e) {
                if (closed) {
                    return;
                }
                // once per outage: the tries that follow would say the same, several times a second at first
                if (outageSince == 0) {
                    outageSince = System.nanoTime();
                    LOG.log(Level.WARNING, "log hub lost its Redis connection to " + e.server() + " (" + e.reason()
                            + "); reconnecting until it can, followers resume where they were");
                }
                pause(backoff);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "log hub failed; restarting it", e);
                pause(backoff);
            }
        }
    }

    private static void pause(Backoff backoff) {
        try {
            backoff.pause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop(LogStreams.Connection connection) throws InterruptedException {
        long lastStaleCheck = System.nanoTime();
        while (!closed) {
            Map<String, String> positions;
            synchronized (this) {
                // paused followers are not read for: with all of them paused there is nothing to read
                positions = positions();
                while (positions.isEmpty() && !closed) {
                    wait();
                    positions = positions();
                }
                if (closed) {
                    return;
                }
                inFlight = positions;
                generation++;
                wakeRequested = false;
                blocking = true;
            }
            Map<String, List<LogEntry>> got;
            try {
                got = reader.read(connection, positions, BLOCK_MILLIS);
            } finally {
                synchronized (this) {
                    blocking = false;
                }
            }
            synchronized (this) {
                got.forEach(this::dispatch);
            }
            // writes start after the hub's lock is let go, so a follower joining now does not wait for them
            got.keySet().forEach(this::flush);
            // also while others' logs keep coming: those reads never come back empty
            if (System.nanoTime() - lastStaleCheck > STALE_CHECK_NANOS) {
                lastStaleCheck = System.nanoTime();
                endStale(connection, positions);
            }
        }
    }

    private Map<String, String> positions() {
        Map<String, String> positions = new HashMap<>();
        byJob.forEach((job, subs) -> {
            String min = null;
            for (LogSubscription s : subs) {
                if (!s.paused && (min == null || compare(s.last, min) < 0)) {
                    min = s.last;
                }
            }
            if (min != null) {
                positions.put(job, min);
            }
        });
        return positions;
    }

    private void dispatch(String job, List<LogEntry> entries) {
        List<LogSubscription> subs = byJob.get(job);
        if (subs == null) {
            return;
        }
        List<SharedEntry> shared = new ArrayList<>(entries.size());
        for (LogEntry e : entries) {
            shared.add(new SharedEntry(e));
        }
        for (LogSubscription s : subs) {
            if (s.paused || s.over) {
                continue;
            }
            StreamId after = StreamId.parse(s.last);
            for (SharedEntry e : shared) {
                if (StreamId.parse(e.entry().id()).compareTo(after) <= 0) {
                    continue; // a follower further on than this read's start (several read one stream from the oldest)
                }
                if (!s.listener.offer(e)) {
                    s.paused = true; // resumed from s.last, which this entry is after
                    break;
                }
                s.last = e.entry().id();
                if (e.entry().isFinished()) {
                    s.over = true;
                    break;
                }
            }
        }
        toFlush.computeIfAbsent(job, k -> new ArrayList<>()).addAll(subs);
        subs.removeIf(s -> s.over);
        if (subs.isEmpty()) {
            byJob.remove(job);
        }
    }

    private void flush(String job) {
        List<LogSubscription> subs;
        synchronized (this) {
            subs = toFlush.remove(job);
        }
        if (subs != null) {
            for (LogSubscription s : subs) {
                try {
                    s.listener.flush();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a follower of job " + job + " failed to write; the others go on", e);
                }
            }
        }
    }

    // Followers that wait for entries never to be written: of jobs whose hash expired, and of ended jobs
    // read from their 'finished' entry or later (a resume from an id beyond the end, or racing the end).
    // Only those: others of the same job, further back, still get the rest of the log.
    private void endStale(LogStreams.Connection connection, Map<String, String> positions) {
        List<String> gone = reader.missing(connection, positions.keySet());
        List<String> rest = new ArrayList<>(positions.keySet());
        rest.removeAll(gone);
        Map<String, StreamId> finished = rest.isEmpty() ? Map.of() : reader.finishedAt(connection, rest);
        if (gone.isEmpty() && finished.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (String job : gone) {
                List<LogSubscription> subs = byJob.remove(job);
                if (subs != null) {
                    subs.forEach(s -> end(s, LogSubscription.End.JOB_GONE));
                }
            }
            finished.forEach((job, at) -> {
                List<LogSubscription> subs = byJob.get(job);
                if (subs == null) {
                    return;
                }
                subs.removeIf(s -> {
                    boolean past = StreamId.parse(s.last).compareTo(at) >= 0;
                    if (past) {
                        end(s, LogSubscription.End.PAST_END);
                    }
                    return past;
                });
                if (subs.isEmpty()) {
                    byJob.remove(job);
                }
            });
        }
    }

    private static void end(LogSubscription s, LogSubscription.End why) {
        s.over = true;
        try {
            s.listener.end(why);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a follower of job " + s.jobId + " failed to end", e);
        }
    }

    private static int compare(String a, String b) {
        return StreamId.parse(a).compareTo(StreamId.parse(b));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            List<LogSubscription> all = new ArrayList<>();
            byJob.values().forEach(all::addAll);
            byJob.clear(); // first: an ended follower removes itself
            all.forEach(s -> end(s, LogSubscription.End.HUB_CLOSED));
            notifyAll();
        }
        long id = clientId;
        if (id >= 0) {
            try {
                streams.unblock(id);
            } catch (RuntimeException e) {
                // the read ends by its timeout instead
            }
        }
        try {
            thread.join(BLOCK_MILLIS + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
