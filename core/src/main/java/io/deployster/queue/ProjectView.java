package io.deployster.queue;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** Reads who holds a project's deploy lock and which of its jobs wait, for dashboards and the gateway. */
public final class ProjectView {
    /**
     * @param lockHolder id of the job holding the lock, or null when it is free
     * @param waiting ids of the jobs not started yet, in the order they will start
     */
    public record Snapshot(String lockHolder, List<String> waiting) {
        public Snapshot {
            waiting = List.copyOf(waiting);
        }
    }

    private final Redis redis;
    private final Keys keys;

    public ProjectView(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** One round trip; the two values are read atomically enough for display (one pipeline). */
    public Snapshot snapshot(String project) {
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            Response<String> holder = p.get(keys.lock(project));
            Response<List<String>> waiting = p.lrange(keys.waiters(project), 0, 999);
            p.sync();
            return new Snapshot(holder.get(), waiting.get());
        });
    }
}
