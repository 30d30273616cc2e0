package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.StreamEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
        return redis.batch(b -> {
            List<Supplier<Long>> depth = new ArrayList<>();
            List<Supplier<List<StreamEntry>>> oldest = new ArrayList<>();
            List<Supplier<Long>> pending = new ArrayList<>();
            for (String q : names) {
                depth.add(b.xlen(keys.queue(q)));
                oldest.add(b.head(keys.queue(q), 1));
                pending.add(b.pending(keys.queue(q), Keys.GROUP));
            }
            return () -> {
                List<QueueInfo> queues = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    String q = names.get(i);
                    List<StreamEntry> first = oldest.get(i).get();
                    Instant oldestAt = first.isEmpty() ? null : Instant.ofEpochMilli(first.get(0).id().millis());
                    List<String> consumers = alive.stream().filter(w -> w.queues().contains(q)).map(WorkerInfo::name).toList();
                    queues.add(new QueueInfo(q, depth.get(i).get(), pending.get(i).get(), oldestAt, consumers));
                }
                return queues;
            };
        });
    }
}
