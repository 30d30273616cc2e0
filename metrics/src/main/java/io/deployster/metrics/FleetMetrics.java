package io.deployster.metrics;

import io.deployster.ops.Scans;
import io.deployster.ops.WorkersView;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Clock;

/** What the gateway's /metrics shows of the whole fleet, read from Redis at each scrape: every queue, submits, workers. */
public final class FleetMetrics {
    private FleetMetrics() {
    }

    /** A registry with the JVM's metrics and the fleet's, refreshed from {@code redis} before each scrape. */
    public static Registry registry(Redis redis, Keys keys, Clock clock) {
        Registry registry = new Registry();
        registry.beforeScrape(new QueueGauges(registry.meters(), redis, keys, () -> Scans.queues(redis, keys)));
        registry.beforeScrape(new SubmittedCounters(registry.meters(), redis, keys));
        registry.beforeScrape(new WorkerGauges(registry.meters(), new WorkersView(redis, keys, clock)));
        return registry;
    }
}
