package io.deployster.log;

import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.redis.Backoff;
import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisCommandException;
import io.deployster.redis.StreamId;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends one running job's output and events to its log stream.
 *
 * <p>Output lines are handed over without waiting for Redis; a shipping task on a pool thread ships
 * them in pipelined batches, so a job printing 100k lines/s costs a round trip per batch, not per line.
 * The task runs only while entries wait, so a quiet job costs no thread. An event handed over while
 * nothing waits is sent on the caller's thread: one round trip instead of a hand-off to the pool and
 * back, which is most of what a short job's log costs. While Redis answers, a full buffer makes the
 * process wait (nothing is dropped). While Redis cannot be reached, the shipping task retries the same
 * batch until it can; output lines that do not fit the buffer meanwhile are counted and reported in the
 * log, and the job is not held up.
 *
 * <p>Entries get explicit ids following the job's 'started' entry, so resending a batch after a
 * broken connection never writes a line twice: Redis refuses an id it already has. One sender at a time
 * (the holder of {@code sender}) numbers and sends entries, so ids follow the order entries were handed over.
 */
public final class LogWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());
    private static final int BATCH = 2000;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final LogStreams streams;
    private final String key;
    private final long maxLen;
    private final long idMillis;
    /** Touched by the holder of {@link #sender} only. */
    private long idSequence;
    private final BlockingQueue<Map<String, String>> buffer;
    /** Held by whoever sends entries now: the shipping task, or a caller sending its event. */
    private final AtomicBoolean sender = new AtomicBoolean();
    private final Object senderFree = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean failing;
    private final Executor shipper;
    private final LogShipping shipping;

    /**
     * @param afterEntry the job's 'started' entry id; this writer's entries are numbered after it
     * @param bufferEntries entries handed over and not shipped yet, at most
     * @param shipper runs the shipping task while entries wait: on a pool shared by the jobs, since
     *     starting a thread per job costs more than a short job's Redis work
     * @param shipping told what was shipped and dropped (metrics)
     */
    public LogWriter(Redis redis, Keys keys, String jobId, String afterEntry, long maxLen, int bufferEntries, Executor shipper,
                     LogShipping shipping) {
        this.shipping = shipping;
        this.shipper = shipper;
        this.streams = new LogStreams(redis);
        this.key = keys.log(jobId);
        this.maxLen = maxLen;
        StreamId after = StreamId.parse(afterEntry);
        this.idMillis = after.millis();
        this.idSequence = after.sequence();
        // linked, not an array: most jobs print a few lines, and a 50,000-slot array per job is 200 KB to clear
        this.buffer = new LinkedBlockingQueue<>(bufferEntries);
    }

    public void line(String stream, String text) {
        output(stream, text, false);
    }

    /**
     * The current state of a line not ended yet (a prompt, a progress bar): followers show it at
     * once and replace it with the stream's next entry (docs/protocol.md, field {@code pl}).
     */
    public void partialLine(String stream, String text) {
        output(stream, text, true);
    }

    /** A {@link LineReader.Sink} writing the lines of one stream ({@link LogEntry#STDOUT} or {@link LogEntry#STDERR}). */
    public LineReader.Sink sink(String stream) {
        return new LineReader.Sink() {
            @Override
            public void line(String text) {
                LogWriter.this.line(stream, text);
            }

            @Override
            public void partial(String text) {
                partialLine(stream, text);
            }
        };
    }

    private void output(String stream, String text, boolean partial) {
        Map<String, String> entry = new HashMap<>(5);
        entry.put(LogField.STREAM, stream);
        entry.put(partial ? LogField.PARTIAL : LogField.LINE, text);
        entry.put(LogField.TS, Long.toString(System.currentTimeMillis()));
        try {
            while (!buffer.offer(entry, 50, TimeUnit.MILLISECONDS)) {
                if (failing) {
                    dropped.incrementAndGet();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        startShipping();
    }

    /** Events are never dropped. @param fields name, value, name, value... */
    public void event(String name, String... fields) {
        Map<String, String> entry = new HashMap<>(4 + fields.length);
        entry.put(LogField.EVENT, name);
        entry.put(LogField.TS, Long.toString(System.currentTimeMillis()));
        for (int i = 0; i + 1 < fields.length; i += 2) {
            entry.put(fields[i], fields[i + 1]);
        }
        if (buffer.isEmpty() && !failing && sender.compareAndSet(false, true)) {
            if (buffer.isEmpty()) {
                sendNow(entry);
                return;
            }
            sender.set(false);
        }
        try {
            buffer.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        startShipping();
    }

    // On the caller's thread, holding the sender: one try; on a broken connection the shipping task takes
    // the entry over, with the id it got, and retries.
    private void sendNow(Map<String, String> entry) {
        List<Map<String, String>> batch = new ArrayList<>(1);
        batch.add(entry);
        long sequence = ++idSequence;
        try {
            send(batch, sequence);
        } catch (RedisCommandException e) {
            refused(batch, e);
        } catch (RuntimeException e) {
            failing = true;
            onPool(() -> {
                sendUntilDone(batch, sequence);
                ship();
            });
            return;
        }
        release();
    }

    // Lets the sender go, and has the pool ship what was handed over meanwhile (its putters saw the sender busy).
    private void release() {
        synchronized (senderFree) {
            sender.set(false);
            senderFree.notifyAll();
        }
        if (!buffer.isEmpty()) {
            startShipping();
        }
    }

    private void startShipping() {
        if (sender.compareAndSet(false, true)) {
            onPool(this::ship);
        }
    }

    // A pool that no longer takes tasks (a worker shutting down) must not leave the sender held, and
    // close() waiting, forever: the caller ships instead.
    private void onPool(Runnable shipping) {
        try {
            shipper.execute(shipping);
        } catch (RejectedExecutionException e) {
            shipping.run();
        }
    }

    // Holding the sender: ships batches until nothing waits, then lets the sender go.
    private void ship() {
        List<Map<String, String>> batch = new ArrayList<>();
        while (true) {
            buffer.drainTo(batch, BATCH);
            long dropNow = dropped.getAndSet(0);
            if (dropNow > 0) {
                shipping.dropped(dropNow);
                batch.add(0, Map.of(LogField.EVENT, Event.NOTE, LogField.TS, Long.toString(System.currentTimeMillis()), LogField.MESSAGE,
                        dropNow + " output lines were dropped while Redis could not be reached"));
            }
            if (batch.isEmpty()) {
                release();
                return;
            }
            long first = idSequence + 1;
            idSequence += batch.size();
            sendUntilDone(batch, first);
            batch.clear();
        }
    }

    private void sendUntilDone(List<Map<String, String>> batch, long firstSequence) {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(MAX_BACKOFF_MILLIS));
        while (true) {
            try {
                send(batch, firstSequence);
                failing = false;
                return;
            } catch (RedisCommandException e) {
                refused(batch, e);
                return;
            } catch (RuntimeException e) {
                failing = true;
                try {
                    backoff.pause();
                } catch (InterruptedException ie) {
                    // the pool is shutting down: what is not shipped now is lost with the worker
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // Redis refused the entries themselves: sending them again would be refused again, forever.
    private void refused(List<Map<String, String>> batch, RedisCommandException e) {
        LOG.log(Level.WARNING, "{0}: {1} log entries were refused and are left out of the log: {2}", key, batch.size(), e.getMessage());
    }

    private void send(List<Map<String, String>> batch, long firstSequence) {
        // an id Redis has already was written by the attempt that lost its connection, or after the job was
        // ended for us: skipped. With durability asked for, a batch counts as shipped once the replicas have
        // it: a failover before that breaks the connection, and the batch is resent to the new primary
        streams.append(key, idMillis, firstSequence, batch, maxLen);
        shipped(batch);
    }

    private void shipped(List<Map<String, String>> batch) {
        long now = System.currentTimeMillis();
        long[] latency = batch.stream().filter(e -> e.containsKey(LogField.LINE) && e.containsKey(LogField.TS))
                .mapToLong(e -> Math.max(0, now - Long.parseLong(e.get(LogField.TS)))).toArray();
        if (latency.length > 0) {
            shipping.shipped(latency);
        }
    }

    /**
     * Waits until everything handed over so far is shipped; waits for Redis for as long as it takes.
     * Entries handed over later (a fence racing the job's end) are still shipped.
     */
    @Override
    public void close() {
        synchronized (senderFree) {
            while (sender.get() || !buffer.isEmpty()) {
                try {
                    // bounded: an entry put but not yet started shipping takes the sender within moments
                    senderFree.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
