package io.deployster.metrics;

import io.deployster.protocol.Event;
import io.deployster.protocol.JobField;
import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.StreamEntry;
import java.util.List;
import java.util.function.Supplier;

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
        record Answers(Supplier<List<String>> hash, Supplier<List<StreamEntry>> head) {
        }
        Answers answers = redis.batch(b -> {
            Answers queued = new Answers(b.hmget(keys.job(id), JobField.STARTED_AT, JobField.LOCK_HANDED_AT), b.head(keys.log(id), HEAD));
            return () -> queued;
        });
        List<String> hash = answers.hash().get();
        String startedAt = hash.get(0);
        if (startedAt == null) {
            return new Start(0, null);
        }
        long started = Long.parseLong(startedAt);
        long wait = 0;
        for (StreamEntry e : answers.head().get()) {
            if (Event.WAITING.equals(e.fields().get(LogField.EVENT))) {
                wait = Math.max(0, started - Long.parseLong(e.fields().get(LogField.TS)));
                break;
            }
        }
        String handed = hash.get(1);
        return new Start(wait, handed == null ? null : Math.max(0, started - Long.parseLong(handed)));
    }
}
