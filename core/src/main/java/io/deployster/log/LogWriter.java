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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends one running job's output and events to its log stream.
 *
 * <p>Callers hand entries over without waiting for Redis; one thread ships them in pipelined batches,
 * so a job printing 100k lines/s costs a round trip per batch, not per line. While Redis answers, a
 * full buffer makes the process wait (nothing is dropped). While Redis cannot be reached, the
 * shipper retries the same batch until it can; output lines that do not fit the buffer meanwhile are
 * counted and reported in the log, and the job is not held up.
 *
 * <p>Entries get explicit ids following the job's 'started' entry, so resending a batch after a
 * broken connection never writes a line twice: Redis refuses an id it already has.
 */
public final class LogWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());
    private static final Map<String, String> END = Map.of();
    private static final int BATCH = 2000;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final LogStreams streams;
    private final String key;
    private final long maxLen;
    private final long idMillis;
    private long idSequence;
    private final BlockingQueue<Map<String, String>> buffer;
    private final CountDownLatch shipped = new CountDownLatch(1);
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean failing;
    private final LogShipping shipping;

    /**
     * @param afterEntry the job's 'started' entry id; this writer's entries are numbered after it
     * @param bufferEntries entries handed over and not shipped yet, at most
     * @param shipper runs this writer's shipping loop until {@link #close}: one task, on a thread of a
     *     pool shared by the jobs, since starting a thread per job costs more than a short job's Redis work
     * @param shipping told what was shipped and dropped (metrics)
     */
    public LogWriter(Redis redis, Keys keys, String jobId, String afterEntry, long maxLen, int bufferEntries, Executor shipper,
                     LogShipping shipping) {
        this.shipping = shipping;
        this.streams = new LogStreams(redis);
        this.key = keys.log(jobId);
        this.maxLen = maxLen;
        StreamId after = StreamId.parse(afterEntry);
        this.idMillis = after.millis();
        this.idSequence = after.sequence();
        // linked, not an array: most jobs print a few lines, and a 50,000-slot array per job is 200 KB to clear
        this.buffer = new LinkedBlockingQueue<>(bufferEntries);
        shipper.execute(() -> {
            try {
                ship();
            } finally {
                shipped.countDown();
            }
        });
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
        }
    }

    /** Events are never dropped. @param fields name, value, name, value... */
    public void event(String name, String... fields) {
        Map<String, String> entry = new HashMap<>(4 + fields.length);
        entry.put(LogField.EVENT, name);
        entry.put(LogField.TS, Long.toString(System.currentTimeMillis()));
        for (int i = 0; i + 1 < fields.length; i += 2) {
            entry.put(fields[i], fields[i + 1]);
        }
        put(entry);
    }

    private void put(Map<String, String> entry) {
        try {
            buffer.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ship() {
        List<Map<String, String>> batch = new ArrayList<>(BATCH);
        try {
            boolean open = true;
            while (open) {
                batch.add(buffer.take());
                buffer.drainTo(batch, BATCH - 1);
                // entries handed over as the job closed its log (a fence racing the end) follow the end marker:
                // they are shipped too, and the marker itself never is (an entry without fields, which Redis refuses)
                if (batch.removeIf(entry -> entry == END)) {
                    buffer.drainTo(batch);
                    open = false;
                }
                long dropNow = dropped.getAndSet(0);
                if (dropNow > 0) {
                    shipping.dropped(dropNow);
                    batch.add(0, Map.of(LogField.EVENT, Event.NOTE, LogField.TS, Long.toString(System.currentTimeMillis()), LogField.MESSAGE,
                            dropNow + " output lines were dropped while Redis could not be reached"));
                }
                if (!batch.isEmpty()) {
                    long first = idSequence + 1;
                    idSequence += batch.size();
                    sendUntilDone(batch, first);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendUntilDone(List<Map<String, String>> batch, long firstSequence) throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(MAX_BACKOFF_MILLIS));
        while (true) {
            try {
                send(batch, firstSequence);
                failing = false;
                shipped(batch);
                return;
            } catch (RedisCommandException e) {
                // Redis refused the entries themselves: sending them again would be refused again, forever
                LOG.log(Level.WARNING, "{0}: {1} log entries were refused and are left out of the log: {2}", key, batch.size(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                failing = true;
                backoff.pause();
            }
        }
    }

    private void shipped(List<Map<String, String>> batch) {
        long now = System.currentTimeMillis();
        long[] latency = batch.stream().filter(e -> e.containsKey(LogField.LINE) && e.containsKey(LogField.TS))
                .mapToLong(e -> Math.max(0, now - Long.parseLong(e.get(LogField.TS)))).toArray();
        if (latency.length > 0) {
            shipping.shipped(latency);
        }
    }

    private void send(List<Map<String, String>> batch, long firstSequence) {
        // an id Redis has already was written by the attempt that lost its connection, or after the job was
        // ended for us: skipped. With durability asked for, a batch counts as shipped once the replicas have
        // it: a failover before that breaks the connection, and the batch is resent to the new primary
        streams.append(key, idMillis, firstSequence, batch, maxLen);
    }

    /** Ships everything handed over so far, then stops; waits for Redis for as long as it takes. */
    @Override
    public void close() {
        put(END);
        try {
            shipped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
