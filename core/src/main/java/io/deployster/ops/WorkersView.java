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
import java.util.function.Supplier;

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
        Map<String, String> beats = redis.hash(keys.workers());
        List<String> names = new ArrayList<>(beats.keySet());
        List<String> runningIds = new ArrayList<>(redis.members(keys.running()));
        // the answers are read after the round trip, in the loops below
        record Answers(List<Supplier<Boolean>> alive, List<Supplier<String>> workerOf) {
        }
        Answers answers = redis.batch(b -> {
            Answers queued = new Answers(names.stream().map(n -> b.exists(keys.worker(n))).toList(),
                    runningIds.stream().map(id -> b.hget(keys.job(id), JobField.WORKER)).toList());
            return () -> queued;
        });
        Map<String, List<String>> running = new HashMap<>();
        for (int i = 0; i < runningIds.size(); i++) {
            String w = answers.workerOf().get(i).get();
            if (w != null) {
                running.computeIfAbsent(w, k -> new ArrayList<>()).add(runningIds.get(i));
            }
        }
        List<WorkerInfo> workers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            List<String> jobs = running.getOrDefault(n, List.of()).stream().sorted().toList();
            WorkerInfo w = WorkerInfo.parse(n, beats.get(n), answers.alive().get(i).get(), jobs);
            if (w.alive() || w.lastHeartbeat() == null || w.lastHeartbeat().isAfter(clock.instant().minus(SHOW_DEAD_FOR))) {
                workers.add(w);
            }
        }
        workers.sort(Comparator.comparing((WorkerInfo w) -> !w.alive()).thenComparing(WorkerInfo::name));
        return workers;
    }
}
