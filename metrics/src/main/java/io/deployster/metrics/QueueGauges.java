package io.deployster.metrics;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.StreamEntry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * deployster_queue_depth and deployster_queue_oldest_age_seconds per queue, read from Redis once per
 * scrape: every worker and gateway shows the same values, so a dashboard can take any (max by queue).
 */
public final class QueueGauges implements Runnable {
    private record Values(AtomicLong depth, AtomicLong oldestMillis) {
    }

    private final MeterRegistry meters;
    private final Redis redis;
    private final Keys keys;
    private final Supplier<List<String>> queues;
    private final Map<String, Values> values = new ConcurrentHashMap<>();

    /** @param queues the queues to show: a worker's own, or every queue for the gateway */
    public QueueGauges(MeterRegistry meters, Redis redis, Keys keys, Supplier<List<String>> queues) {
        this.meters = meters;
        this.redis = redis;
        this.keys = keys;
        this.queues = queues;
    }

    @Override
    public void run() {
        List<String> names = queues.get();
        long now = System.currentTimeMillis();
        record Answers(List<Supplier<Long>> depth, List<Supplier<List<StreamEntry>>> oldest) {
        }
        Answers answers = redis.batch(b -> {
            Answers queued = new Answers(names.stream().map(q -> b.xlen(keys.queue(q))).toList(),
                    names.stream().map(q -> b.head(keys.queue(q), 1)).toList());
            return () -> queued;
        });
        for (int i = 0; i < names.size(); i++) {
            Values v = values.computeIfAbsent(names.get(i), this::register);
            v.depth().set(answers.depth().get(i).get());
            List<StreamEntry> first = answers.oldest().get(i).get();
            v.oldestMillis().set(first.isEmpty() ? 0 : Math.max(0, now - first.get(0).id().millis()));
        }
    }

    private Values register(String queue) {
        Values v = new Values(new AtomicLong(), new AtomicLong());
        Gauge.builder("deployster.queue.depth", v.depth(), AtomicLong::get).strongReference(true).tag("queue", queue)
                .description("Jobs in the queue not started yet (taken ones included until they start)").register(meters);
        Gauge.builder("deployster.queue.oldest.age", v.oldestMillis(), ms -> ms.get() / 1000.0).strongReference(true)
                .tag("queue", queue).baseUnit("seconds")
                .description("How long the oldest entry of the queue has waited; 0 when it is empty").register(meters);
        return v;
    }
}
