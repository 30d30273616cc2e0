package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;

/**
 * Appends one job's output and events to its log stream. Callers hand entries over without waiting
 * for Redis; one thread ships them in pipelined batches, so a job printing 100k lines/s costs a
 * round trip per batch, not per line. A full buffer makes the writers wait: nothing is dropped.
 */
public final class LogWriter implements AutoCloseable {
    private static final Map<String, String> END = Map.of();
    private static final int BATCH = 2000;

    private final Redis redis;
    private final String key;
    private final XAddParams trim;
    private final BlockingQueue<Map<String, String>> buffer;
    private final Thread shipper;
    private static final java.time.Duration RETRY_FOR = java.time.Duration.ofSeconds(60);
    private volatile RuntimeException failure;
    private long lost;

    public LogWriter(Redis redis, Keys keys, String jobId, long maxLen, int bufferEntries) {
        this.redis = redis;
        this.key = keys.log(jobId);
        this.trim = XAddParams.xAddParams().maxLen(maxLen).approximateTrimming();
        this.buffer = new ArrayBlockingQueue<>(bufferEntries);
        this.shipper = new Thread(this::ship, "log-" + jobId);
        shipper.setDaemon(true);
        shipper.start();
    }

    public void line(String stream, String text) {
        Map<String, String> entry = new HashMap<>(4);
        entry.put("s", stream);
        entry.put("l", text);
        entry.put("ts", Long.toString(System.currentTimeMillis()));
        put(entry);
    }

    /** @param fields name, value, name, value... */
    public void event(String name, String... fields) {
        Map<String, String> entry = new HashMap<>(4 + fields.length);
        entry.put("e", name);
        entry.put("ts", Long.toString(System.currentTimeMillis()));
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
            throw new IllegalStateException("interrupted while writing the log of " + key, e);
        }
    }

    private void ship() {
        List<Map<String, String>> batch = new ArrayList<>(BATCH);
        try {
            boolean open = true;
            while (open) {
                batch.add(buffer.take());
                buffer.drainTo(batch, BATCH - 1);
                if (batch.get(batch.size() - 1) == END) {
                    batch.remove(batch.size() - 1);
                    open = false;
                }
                if (!batch.isEmpty() && failure == null) {
                    sendWithRetry(batch);
                } else if (failure != null) {
                    lost += batch.size();
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Rides out a short Redis outage; after that the job's output is counted as lost, and the
    // writers are not blocked forever.
    private void sendWithRetry(List<Map<String, String>> batch) throws InterruptedException {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        long backoff = 50;
        while (true) {
            try {
                send(batch);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    failure = e;
                    lost += batch.size();
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private void send(List<Map<String, String>> batch) {
        try (Jedis jedis = redis.borrow()) {
            Pipeline pipeline = jedis.pipelined();
            for (Map<String, String> entry : batch) {
                pipeline.xadd(key, trim, entry);
            }
            pipeline.sync();
        }
    }

    /** Ships everything handed over so far, then stops. */
    @Override
    public void close() {
        put(END);
        try {
            shipper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("could not write the log to " + key + " for " + RETRY_FOR.toSeconds()
                    + " s; " + lost + " entries were lost (" + failure.getMessage() + ")", failure);
        }
    }
}
