package io.deployster.log;

import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.redis.Backoff;
import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.redis.StreamEntry;
import io.deployster.redis.StreamId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a job's log from any position with blocking reads, so a line reaches the follower as soon as
 * the worker ships it; reading from the id of the last entry seen resumes with no gap and no repeat.
 *
 * <p>A running job's entries are numbered one after the other within the millisecond of its 'started'
 * entry (LogWriter), so a hole in the numbers is entries that are gone: written to a primary that
 * failed before its replica had them, or trimmed by the log's length cap. The follower reports such a
 * hole as a 'gap' entry instead of passing over it in silence.
 *
 * <p>While Redis cannot be reached the follower retries by itself; the sink gets a 'note' entry when
 * that starts (naming the server and what to check) and another when Redis answers again, so a person
 * watching knows why nothing comes. Both carry the id of the last entry handed over, like a gap.
 */
public final class LogFollower {
    /** Reads from the very beginning of the log. */
    public static final String START = "0-0";
    private static final int COUNT = 5000;

    private final LogStreams streams;
    private final Keys keys;

    public LogFollower(Redis redis, Keys keys) {
        this.streams = new LogStreams(redis);
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
        return follow(jobId, afterId, sink, stillThere, ended -> false);
    }

    /**
     * As {@link #follow(String, String, Consumer, Predicate)}; {@code ended}, asked after each idle wait,
     * says whether the job has ended: an ended job whose log holds nothing after the last entry handed
     * over had its 'finished' entry at or before {@code afterId} (a follower resuming after the last
     * entry it saw), so the read ends there (returning null) instead of waiting for an entry that
     * never comes.
     */
    public LogEntry follow(String jobId, String afterId, Consumer<LogEntry> sink, Predicate<String> stillThere,
            Predicate<String> ended) throws InterruptedException {
        return follow(jobId, afterId, sink, stillThere, ended, job -> null);
    }

    /**
     * As {@link #follow(String, String, Consumer, Predicate, Predicate)}; {@code idleNote}, asked after each idle wait,
     * gives a note for the person watching (handed to {@code sink} as a 'note' entry), or null for none.
     */
    public LogEntry follow(String jobId, String afterId, Consumer<LogEntry> sink, Predicate<String> stillThere,
            Predicate<String> ended, Function<String, String> idleNote) throws InterruptedException {
        String key = keys.log(jobId);
        StreamId last = StreamId.parse(afterId);
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        RedisUnavailableException outage = null;
        while (true) {
            // a dropped connection (Redis restarting, network) resumes from the last entry handed over
            try (LogStreams.Connection connection = streams.open()) {
                while (true) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException("stopped following job " + jobId);
                    }
                    Map<String, List<StreamEntry>> reply = connection.read(Map.of(key, last.toString()), COUNT, Redis.BLOCK_MILLIS);
                    backoff.reset();
                    if (outage != null) {
                        sink.accept(note(last, "Redis at " + outage.server() + " answers again; following job " + jobId + " on from where it stopped"));
                        outage = null;
                    }
                    List<StreamEntry> entries = reply.get(key);
                    if (entries == null || entries.isEmpty()) {
                        if (!stillThere.test(jobId)) {
                            return null;
                        }
                        // the job's end and its 'finished' entry are written by one script: once it has
                        // ended, an empty read after `last` means that entry was at or before it
                        if (ended.test(jobId) && streams.range(key, last.toString(), 1).isEmpty()) {
                            return null;
                        }
                        String said = idleNote.apply(jobId);
                        if (said != null) {
                            sink.accept(note(last, said));
                        }
                        continue;
                    }
                    for (StreamEntry e : entries) {
                        LogEntry gap = gap(last, e.id());
                        if (gap != null) {
                            sink.accept(gap);
                        }
                        last = e.id();
                        LogEntry entry = new LogEntry(e.id().toString(), e.fields());
                        sink.accept(entry);
                        if (entry.isFinished()) {
                            return entry;
                        }
                    }
                }
            } catch (RedisUnavailableException e) {
                if (outage == null) {
                    outage = e;
                    sink.accept(note(last, "job " + jobId + ": " + e.getMessage()));
                }
                backoff.pause();
            }
        }
    }

    private static LogEntry note(StreamId last, String message) {
        return new LogEntry(last.toString(), Map.of(LogField.EVENT, Event.NOTE, LogField.TS, Long.toString(System.currentTimeMillis()),
                LogField.MESSAGE, message));
    }

    /** A 'gap' entry when {@code next} does not follow {@code last} directly in a job's numbering, else null. */
    static LogEntry gap(StreamId last, StreamId next) {
        long missing = next.sequence() - last.sequence() - 1;
        if (last.millis() != next.millis() || missing <= 0) {
            return null;
        }
        // the id of the entry before the hole: resuming after it reads on from the entry after the hole
        return new LogEntry(last.toString(), Map.of(LogField.EVENT, Event.GAP, LogField.TS, Long.toString(System.currentTimeMillis()),
                LogField.MISSING, Long.toString(missing), LogField.MESSAGE, missing + " log entr" + (missing == 1 ? "y is" : "ies are") + " missing here (entries "
                        + last.millis() + "-" + (last.sequence() + 1) + " to " + next.millis() + "-" + (next.sequence() - 1)
                        + "): written to a Redis primary that failed before its replica had them, or trimmed by the log's length cap"));
    }

    /** The entries after {@code afterId} that are there now, without waiting. */
    public List<LogEntry> read(String jobId, String afterId, int max) {
        return streams.range(keys.log(jobId), StreamId.parse(afterId).toString(), max).stream()
                .map(e -> new LogEntry(e.id().toString(), e.fields()))
                .toList();
    }
}
