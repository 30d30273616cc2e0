package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/** Depth, age of the oldest entry and the alive consumers of every queue stream. */
public final class QueuesView {
    private final Redis redis;
    private final Keys keys;
    private final WorkersView workers;

    public QueuesView(Redis redis, Keys keys, WorkersView workers) {
        this.redis = redis;
        this.keys = keys;
        this.workers = workers;
    }

    /** Every queue that has a stream (a worker served it or a job was submitted to it), by name. */
    public List<QueueInfo> list() {
        List<WorkerInfo> alive = workers.list().stream().filter(WorkerInfo::alive).toList();
        List<String> names = Scans.names(redis, keys.queuePattern(), "stream");
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            List<Response<Long>> depth = new ArrayList<>();
            List<Response<List<StreamEntry>>> oldest = new ArrayList<>();
            List<Response<List<StreamGroupInfo>>> groups = new ArrayList<>();
            for (String q : names) {
                depth.add(p.xlen(keys.queue(q)));
                oldest.add(p.xrange(keys.queue(q), (StreamEntryID) null, (StreamEntryID) null, 1));
                groups.add(p.xinfoGroups(keys.queue(q)));
            }
            p.sync();
            List<QueueInfo> queues = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String q = names.get(i);
                List<StreamEntry> first = oldest.get(i).get();
                Instant oldestAt = first.isEmpty() ? null : Instant.ofEpochMilli(first.get(0).getID().getTime());
                long pending = groups.get(i).get().stream().filter(g -> Keys.GROUP.equals(g.getName()))
                        .mapToLong(StreamGroupInfo::getPending).sum();
                List<String> consumers = alive.stream().filter(w -> w.queues().contains(q)).map(WorkerInfo::name).toList();
                queues.add(new QueueInfo(q, depth.get(i).get(), pending, oldestAt, consumers));
            }
            return queues;
        });
    }
}
