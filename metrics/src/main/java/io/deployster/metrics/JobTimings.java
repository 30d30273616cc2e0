package io.deployster.metrics;

import io.deployster.protocol.Event;
import io.deployster.protocol.JobField;
import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Reads, once a job started, how long it waited for its lock and how long the lock took to reach it. */
final class JobTimings {
    /** A job's log starts with 'queued', then 'waiting' when it was parked, then 'started'. */
    private static final int HEAD = 8;

    /**
     * @param lockWaitMillis from its first 'waiting' event (parked behind the holder) to its start; 0 when never parked
     * @param handoffMillis from the previous holder's end to this start, when the lock was handed over by that end
     */
    record Start(long lockWaitMillis, Long handoffMillis) {
    }

    private final Redis redis;
    private final Keys keys;

    JobTimings(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    Start read(String id) {
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            Response<List<String>> hash = p.hmget(keys.job(id), JobField.STARTED_AT, JobField.LOCK_HANDED_AT);
            Response<List<StreamEntry>> head = p.xrange(keys.log(id), (StreamEntryID) null, (StreamEntryID) null, HEAD);
            p.sync();
            String startedAt = hash.get().get(0);
            if (startedAt == null) {
                return new Start(0, null);
            }
            long started = Long.parseLong(startedAt);
            long wait = 0;
            for (StreamEntry e : head.get()) {
                if (Event.WAITING.equals(e.getFields().get(LogField.EVENT))) {
                    wait = Math.max(0, started - Long.parseLong(e.getFields().get(LogField.TS)));
                    break;
                }
            }
            String handed = hash.get().get(1);
            return new Start(wait, handed == null ? null : Math.max(0, started - Long.parseLong(handed)));
        });
    }
}
