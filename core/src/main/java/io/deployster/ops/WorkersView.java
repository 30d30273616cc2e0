package io.deployster.ops;

import io.deployster.protocol.JobField;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** Which workers are alive or dead, what they serve and run: from the workers hash, their liveness keys and the running set. */
public final class WorkersView {
    /** A dead worker is shown this long after its last heartbeat, then left out (its record stays in Redis). */
    public static final Duration SHOW_DEAD_FOR = Duration.ofDays(1);

    private final Redis redis;
    private final Keys keys;
    private final Clock clock;

    public WorkersView(Redis redis, Keys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** Alive workers first, then dead ones; by name within each. */
    public List<WorkerInfo> list() {
        return redis.call(j -> {
            Map<String, String> beats = j.hgetAll(keys.workers());
            List<String> names = new ArrayList<>(beats.keySet());
            List<String> runningIds = new ArrayList<>(j.smembers(keys.running()));
            Pipeline p = j.pipelined();
            List<Response<Boolean>> alive = names.stream().map(n -> p.exists(keys.worker(n))).toList();
            List<Response<String>> workerOf = runningIds.stream().map(id -> p.hget(keys.job(id), JobField.WORKER)).toList();
            p.sync();
            Map<String, List<String>> running = new HashMap<>();
            for (int i = 0; i < runningIds.size(); i++) {
                String w = workerOf.get(i).get();
                if (w != null) {
                    running.computeIfAbsent(w, k -> new ArrayList<>()).add(runningIds.get(i));
                }
            }
            List<WorkerInfo> workers = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                List<String> jobs = running.getOrDefault(n, List.of()).stream().sorted().toList();
                WorkerInfo w = WorkerInfo.parse(n, beats.get(n), alive.get(i).get(), jobs);
                if (w.alive() || w.lastHeartbeat() == null || w.lastHeartbeat().isAfter(clock.instant().minus(SHOW_DEAD_FOR))) {
                    workers.add(w);
                }
            }
            workers.sort(Comparator.comparing((WorkerInfo w) -> !w.alive()).thenComparing(WorkerInfo::name));
            return workers;
        });
    }
}
