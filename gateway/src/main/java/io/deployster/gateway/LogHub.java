package io.deployster.gateway;

import io.deployster.log.LogEntry;
import io.deployster.log.MultiLogReader;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Follows the logs of every job the gateway's clients follow with one thread and one Redis
 * connection: one blocking XREAD over all their streams, from the oldest position any follower of
 * each job needs. A follower that joins while the read blocks wakes it with CLIENT UNBLOCK, so it
 * waits for no timeout. Followers cost a queue and a thread of the HTTP server, not a connection.
 */
public final class LogHub implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogHub.class.getName());
    /** Each blocking read ends after this long, to notice jobs whose log expired. */
    private static final int BLOCK_MILLIS = 1000;
    private static final long GONE_CHECK_NANOS = 5_000_000_000L;

    private final Redis redis;
    private final MultiLogReader reader;
    private final Map<String, List<LogSubscription>> byJob = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    // the read in flight: its positions and the connection's client id, for CLIENT UNBLOCK
    private Map<String, String> inFlight = Map.of();
    private long generation;
    private boolean blocking;
    private volatile long clientId = -1;
    private boolean wakeRequested;

    public LogHub(Redis redis, MultiLogReader reader) {
        this.redis = redis;
        this.reader = reader;
        this.thread = new Thread(this::run, "deployster-log-hub");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Follows {@code jobId}'s log from after entry {@code afterId}; close the subscription when done. */
    public LogSubscription subscribe(String jobId, String afterId) {
        LogSubscription sub = new LogSubscription(this, jobId, afterId);
        long wakeGeneration = -1;
        synchronized (this) {
            if (closed) {
                sub.end(LogSubscription.End.HUB_CLOSED);
                return sub;
            }
            byJob.computeIfAbsent(jobId, k -> new ArrayList<>()).add(sub);
            String reading = inFlight.get(jobId);
            if (blocking && !wakeRequested && (reading == null || compare(afterId, reading) < 0)) {
                wakeRequested = true;
                wakeGeneration = generation;
            }
            notifyAll();
        }
        if (wakeGeneration >= 0) {
            wake(wakeGeneration);
        }
        return sub;
    }

    synchronized void remove(LogSubscription sub) {
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
                if (id >= 0 && redis.call(j -> j.clientUnblock(id)) == 1) {
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
        long backoff = 50;
        while (!closed) {
            try (Jedis jedis = redis.borrow()) {
                clientId = jedis.clientId();
                backoff = 50;
                loop(jedis);
            } catch (JedisConnectionException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "log hub lost its Redis connection (" + e.getMessage() + "); reconnecting, followers resume where they were");
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "log hub failed; restarting it", e);
                sleep(backoff);
            }
        }
    }

    private void loop(Jedis jedis) throws InterruptedException {
        long lastGoneCheck = System.nanoTime();
        while (!closed) {
            Map<String, String> positions;
            synchronized (this) {
                while (byJob.isEmpty() && !closed) {
                    wait();
                }
                if (closed) {
                    return;
                }
                positions = positions();
                inFlight = positions;
                generation++;
                wakeRequested = false;
                blocking = true;
            }
            Map<String, List<LogEntry>> got;
            try {
                got = reader.read(jedis, positions, BLOCK_MILLIS);
            } finally {
                synchronized (this) {
                    blocking = false;
                }
            }
            synchronized (this) {
                got.forEach(this::dispatch);
            }
            if (got.isEmpty() && System.nanoTime() - lastGoneCheck > GONE_CHECK_NANOS) {
                lastGoneCheck = System.nanoTime();
                endGone(jedis, positions);
            }
        }
    }

    private Map<String, String> positions() {
        Map<String, String> positions = new HashMap<>();
        byJob.forEach((job, subs) -> {
            String min = null;
            for (LogSubscription s : subs) {
                if (min == null || compare(s.last, min) < 0) {
                    min = s.last;
                }
            }
            positions.put(job, min);
        });
        return positions;
    }

    private void dispatch(String job, List<LogEntry> entries) {
        List<LogSubscription> subs = byJob.get(job);
        if (subs == null) {
            return;
        }
        for (LogSubscription s : subs) {
            StreamEntryID after = new StreamEntryID(s.last);
            for (LogEntry e : entries) {
                if (new StreamEntryID(e.id()).compareTo(after) > 0) {
                    s.last = e.id();
                    if (!s.offer(e)) {
                        break;
                    }
                }
            }
        }
        subs.removeIf(LogSubscription::isOver);
        if (subs.isEmpty()) {
            byJob.remove(job);
        }
    }

    private void endGone(Jedis jedis, Map<String, String> positions) {
        List<String> gone = reader.missing(jedis, positions.keySet());
        if (gone.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (String job : gone) {
                List<LogSubscription> subs = byJob.remove(job);
                if (subs != null) {
                    subs.forEach(s -> s.end(LogSubscription.End.JOB_GONE));
                }
            }
        }
    }

    private static int compare(String a, String b) {
        return new StreamEntryID(a).compareTo(new StreamEntryID(b));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            byJob.values().forEach(subs -> subs.forEach(s -> s.end(LogSubscription.End.HUB_CLOSED)));
            byJob.clear();
            notifyAll();
        }
        long id = clientId;
        if (id >= 0) {
            try {
                redis.run(j -> j.clientUnblock(id));
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
