package io.deployster.log;

import io.deployster.redis.Keys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads the logs of many jobs with one blocking XREAD, so one connection serves any number of
 * followers (the HTTP gateway's). The caller owns the connection and the positions.
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
     */
    public Map<String, List<LogEntry>> read(Jedis connection, Map<String, String> positions, int blockMillis) {
        Map<String, StreamEntryID> streams = new LinkedHashMap<>();
        Map<String, String> jobOfKey = new LinkedHashMap<>();
        positions.forEach((job, after) -> {
            streams.put(keys.log(job), new StreamEntryID(after));
            jobOfKey.put(keys.log(job), job);
        });
        List<Map.Entry<String, List<StreamEntry>>> reply = connection.xread(
                XReadParams.xReadParams().count(COUNT).block(blockMillis), streams);
        Map<String, List<LogEntry>> result = new LinkedHashMap<>();
        if (reply == null) {
            return result;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : reply) {
            List<LogEntry> entries = new ArrayList<>(stream.getValue().size());
            for (StreamEntry e : stream.getValue()) {
                entries.add(new LogEntry(e.getID().toString(), e.getFields()));
            }
            result.put(jobOfKey.get(stream.getKey()), entries);
        }
        return result;
    }

    /** The jobs among {@code ids} whose hash is gone (expired or never there), in one round trip. */
    public List<String> missing(Jedis connection, Collection<String> ids) {
        Pipeline p = connection.pipelined();
        Map<String, Response<Boolean>> replies = new LinkedHashMap<>();
        for (String id : ids) {
            replies.put(id, p.exists(keys.job(id)));
        }
        p.sync();
        List<String> gone = new ArrayList<>();
        replies.forEach((id, exists) -> {
            if (!exists.get()) {
                gone.add(id);
            }
        });
        return gone;
    }
}
