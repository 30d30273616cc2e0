package io.deployster.log;

import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.StreamEntry;
import io.deployster.redis.StreamId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the logs of many jobs with one blocking XREAD, so one connection serves any number of
 * followers (the HTTP gateway's). The caller owns the connection ({@link LogStreams#open()}) and the
 * positions.
 */
public final class MultiLogReader {
    private static final int COUNT = 5000;

    private final Keys keys;

    public MultiLogReader(Keys keys) {
        this.keys = keys;
    }

    /**
     * Waits up to {@code blockMillis} for entries after each job's position and returns those of the
     * jobs that have some (at most 5,000 per job per call).
     *
     * @param positions job id to the id of the last entry already read ({@link LogFollower#START} for none)
     * @return job id to its new entries, in log order; empty when the wait ended without any
     * @throws io.deployster.redis.RedisUnavailableException when the connection failed
     */
    public Map<String, List<LogEntry>> read(LogStreams.Connection connection, Map<String, String> positions, int blockMillis) {
        Map<String, String> streams = new LinkedHashMap<>();
        Map<String, String> jobOfKey = new LinkedHashMap<>();
        positions.forEach((job, after) -> {
            streams.put(keys.log(job), after);
            jobOfKey.put(keys.log(job), job);
        });
        Map<String, List<LogEntry>> result = new LinkedHashMap<>();
        connection.read(streams, COUNT, blockMillis).forEach((key, entries) -> {
            List<LogEntry> logEntries = new ArrayList<>(entries.size());
            for (StreamEntry e : entries) {
                logEntries.add(new LogEntry(e.id().toString(), e.fields()));
            }
            result.put(jobOfKey.get(key), logEntries);
        });
        return result;
    }

    /**
     * The jobs among {@code ids} whose log ends with its 'finished' entry, with that entry's id: a read
     * from there or later waits for entries that are never written (a follower that resumed past the
     * end). One round trip.
     */
    public Map<String, StreamId> finishedAt(LogStreams.Connection connection, Collection<String> ids) {
        Map<String, String> jobOfKey = new LinkedHashMap<>();
        ids.forEach(id -> jobOfKey.put(keys.log(id), id));
        Map<String, StreamId> finished = new LinkedHashMap<>();
        connection.lastEntries(jobOfKey.keySet()).forEach((key, last) -> {
            if (new LogEntry(last.id().toString(), last.fields()).isFinished()) {
                finished.put(jobOfKey.get(key), last.id());
            }
        });
        return finished;
    }

    /** The jobs among {@code ids} whose hash is gone (expired or never there), in one round trip. */
    public List<String> missing(LogStreams.Connection connection, Collection<String> ids) {
        Map<String, String> jobOfKey = new LinkedHashMap<>();
        for (String id : ids) {
            jobOfKey.put(keys.job(id), id);
        }
        List<String> gone = new ArrayList<>();
        for (String key : connection.missing(jobOfKey.keySet())) {
            gone.add(jobOfKey.get(key));
        }
        return gone;
    }
}
