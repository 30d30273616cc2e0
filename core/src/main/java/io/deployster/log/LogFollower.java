package io.deployster.log;

import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.redis.Backoff;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads a job's log from any position with blocking reads, so a line reaches the follower as soon as
 * the worker ships it; reading from the id of the last entry seen resumes with no gap and no repeat.
 *
 * <p>A running job's entries are numbered one after the other within the millisecond of its 'started'
 * entry (LogWriter), so a hole in the numbers is entries that are gone: written to a primary that
 * failed before its replica had them, or trimmed by the log's length cap. The follower reports such a
 * hole as a 'gap' entry instead of passing over it in silence.
 */
public final class LogFollower {
    /** Reads from the very beginning of the log. */
    public static final String START = "0-0";
    private static final int COUNT = 5000;

    private final Redis redis;
    private final Keys keys;

    public LogFollower(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Hands every entry after {@code afterId} to {@code sink}, waiting for new ones, until the
     * job's 'finished' event, which is handed over too and returned.
     *
     * @param stillThere asked after each idle wait whether the job still exists; false ends the read
     * @return the 'finished' entry, or null when {@code stillThere} said the job is gone
     */
    public LogEntry follow(String jobId, String afterId, Consumer<LogEntry> sink, Predicate<String> stillThere)
            throws InterruptedException {
        String key = keys.log(jobId);
        StreamEntryID last = new StreamEntryID(afterId);
        XReadParams params = XReadParams.xReadParams().count(COUNT).block(Redis.BLOCK_MILLIS);
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        while (true) {
            // a dropped connection (Redis restarting, network) resumes from the last entry handed over
            try (Jedis jedis = redis.borrow()) {
                while (true) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException("stopped following job " + jobId);
                    }
                    List<Map.Entry<String, List<StreamEntry>>> reply = jedis.xread(params, Map.of(key, last));
                    backoff.reset();
                    if (reply == null || reply.isEmpty()) {
                        if (!stillThere.test(jobId)) {
                            return null;
                        }
                        continue;
                    }
                    for (StreamEntry e : reply.get(0).getValue()) {
                        LogEntry gap = gap(last, e.getID());
                        if (gap != null) {
                            sink.accept(gap);
                        }
                        last = e.getID();
                        LogEntry entry = new LogEntry(e.getID().toString(), e.getFields());
                        sink.accept(entry);
                        if (entry.isFinished()) {
                            return entry;
                        }
                    }
                }
            } catch (JedisConnectionException e) {
                backoff.pause();
            }
        }
    }

    /** A 'gap' entry when {@code next} does not follow {@code last} directly in a job's numbering, else null. */
    static LogEntry gap(StreamEntryID last, StreamEntryID next) {
        long missing = next.getSequence() - last.getSequence() - 1;
        if (last.getTime() != next.getTime() || missing <= 0) {
            return null;
        }
        // the id of the entry before the hole: resuming after it reads on from the entry after the hole
        return new LogEntry(last.toString(), Map.of(LogField.EVENT, Event.GAP, LogField.TS, Long.toString(System.currentTimeMillis()),
                LogField.MISSING, Long.toString(missing), LogField.MESSAGE, missing + " log entr" + (missing == 1 ? "y is" : "ies are") + " missing here (entries "
                        + last.getTime() + "-" + (last.getSequence() + 1) + " to " + next.getTime() + "-" + (next.getSequence() - 1)
                        + "): written to a Redis primary that failed before its replica had them, or trimmed by the log's length cap"));
    }

    /** The entries after {@code afterId} that are there now, without waiting. */
    public List<LogEntry> read(String jobId, String afterId, int max) {
        return redis.call(j -> j.xrange(keys.log(jobId), "(" + afterId, "+", max)).stream()
                .map(e -> new LogEntry(e.getID().toString(), e.getFields()))
                .toList();
    }
}
