package io.deployster.queue;

import io.deployster.protocol.EntryField;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisCommandException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Takes entries from a worker's queues for it, as a consumer of each queue's group (docs/protocol.md,
 * "Queue entries"):
 * <ol>
 *   <li>joins the group of every queue, created at id 0 so entries queued before any worker are served;</li>
 *   <li>reads new entries with one blocking XREADGROUP over all queues, as many as the caller has room
 *       for, keeping those it did not hand out yet in a backlog;</li>
 *   <li>takes over entries another consumer took and left unacted on for {@code claimIdle} (XAUTOCLAIM):
 *       a worker that died between reading and starting a job.</li>
 * </ol>
 * Entries are acknowledged by the script that acts on them (start, reject), never here. Thread-safe.
 */
public final class Fetcher {
    private static final System.Logger LOG = System.getLogger(Fetcher.class.getName());

    private final Redis redis;
    private final Keys keys;
    /** At most this many pending entries per queue are taken back at start; the rest by XAUTOCLAIM later. */
    private static final int RESUME_MAX = 1000;
    private final String consumer;
    private final Map<String, String> queueOfKey = new LinkedHashMap<>();
    private final Duration claimIdle;
    private final Deque<QueueEntry> backlog = new ArrayDeque<>();

    /**
     * @param consumer this worker's name in the groups
     * @param claimIdle an entry pending this long under another consumer is taken over
     */
    public Fetcher(Redis redis, Keys keys, String consumer, List<String> queues, Duration claimIdle) {
        this.redis = redis;
        this.keys = keys;
        this.consumer = consumer;
        this.claimIdle = claimIdle;
        queues.forEach(q -> queueOfKey.put(keys.queue(q), q));
    }

    /** Joins (creates when missing) the consumer group of every queue. */
    public void joinGroups() {
        for (String key : queueOfKey.keySet()) {
            redis.run(j -> {
                try {
                    j.xgroupCreate(key, Keys.GROUP, new StreamEntryID(0, 0), true);
                } catch (JedisDataException e) {
                    if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                        throw e;
                    }
                }
            });
        }
    }

    /**
     * Takes back the entries still pending under this worker's name: ones a previous run of it read and
     * died before acting on. No live worker shares the name (the worker waits at start until a heartbeat
     * of its name has expired), so they are handed out by {@link #next} at once, not after
     * {@code claimIdle} as another consumer's are.
     */
    public void resumeOwn() {
        for (String key : queueOfKey.keySet()) {
            Map<String, StreamEntryID> from = Map.of(key, new StreamEntryID(0, 0));
            List<Map.Entry<String, List<StreamEntry>>> reply = redis.call(j -> j.xreadGroup(Keys.GROUP, consumer,
                    XReadGroupParams.xReadGroupParams().count(RESUME_MAX), from));
            if (reply == null) {
                continue;
            }
            synchronized (this) {
                for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                    for (StreamEntry e : stream.getValue()) {
                        if (e != null && e.getFields() != null) {
                            LOG.log(Level.INFO, "worker {0}: took back queue entry {1} (job {2}) that a previous run of this worker "
                                    + "read and did not act on", consumer, e.getID(), e.getFields().get(EntryField.JOB));
                            backlog.addLast(entry(stream.getKey(), e));
                        }
                    }
                }
            }
        }
    }

    /**
     * The next entry: from the backlog, else from one blocking read of at most {@code room} entries
     * (waits up to {@link Redis#BLOCK_MILLIS}).
     *
     * @return null when nothing arrived meanwhile
     * @throws RuntimeException when Redis cannot be reached; a Redis that came back without the groups
     *     (no persistence) has them created again before this is thrown
     */
    public QueueEntry next(int room) {
        QueueEntry queued = poll();
        if (queued != null) {
            return queued;
        }
        Map<String, StreamEntryID> streams = new LinkedHashMap<>();
        queueOfKey.keySet().forEach(key -> streams.put(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        List<Map.Entry<String, List<StreamEntry>>> reply;
        try {
            reply = redis.call(j -> j.xreadGroup(Keys.GROUP, consumer,
                    XReadGroupParams.xReadGroupParams().count(Math.max(1, room)).block(Redis.BLOCK_MILLIS), streams));
        } catch (RedisCommandException e) {
            if (e.redisError().startsWith("NOGROUP")) {
                joinGroups(); // Redis came back without our data: serve what is queued from now on
            }
            throw e;
        }
        if (reply != null) {
            synchronized (this) {
                for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                    for (StreamEntry e : stream.getValue()) {
                        backlog.addLast(entry(stream.getKey(), e));
                    }
                }
            }
        }
        return poll();
    }

    /** Entries read but not handed out yet. */
    public synchronized int backlog() {
        return backlog.size();
    }

    /**
     * Takes over up to {@code room} entries left pending by consumers that died before acting on them;
     * they are handed out by {@link #next} before new ones.
     */
    public void claimAbandoned(int room) {
        if (room <= 0) {
            return;
        }
        for (String key : queueOfKey.keySet()) {
            Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.call(j -> j.xautoclaim(key, Keys.GROUP, consumer,
                    claimIdle.toMillis(), new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(room)));
            synchronized (this) {
                for (StreamEntry e : claimed.getValue()) {
                    if (e != null && backlog.stream().noneMatch(t -> t.entryId().equals(e.getID().toString()))) {
                        LOG.log(Level.INFO, "worker {0}: took over queue entry {1} (job {2}) left unstarted by another worker",
                                consumer, e.getID(), e.getFields().get(EntryField.JOB));
                        backlog.addLast(entry(key, e));
                    }
                }
            }
        }
    }

    private synchronized QueueEntry poll() {
        return backlog.pollFirst();
    }

    private QueueEntry entry(String key, StreamEntry e) {
        return new QueueEntry(queueOfKey.get(key), e.getID().toString(), e.getFields());
    }
}
