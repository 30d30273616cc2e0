package io.deployster.metrics;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * deployster_jobs_submitted_total{queue}: the count submit.lua keeps in Redis for every producer (CLI,
 * Jenkins, gateway), read at each scrape. A counter a producer kept in memory would miss the CLI's
 * one-shot submits; this one is the fleet's total and survives restarts of the process showing it.
 */
public final class SubmittedCounters implements Runnable {
    private final MeterRegistry meters;
    private final Redis redis;
    private final Keys keys;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public SubmittedCounters(MeterRegistry meters, Redis redis, Keys keys) {
        this.meters = meters;
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public void run() {
        Map<String, String> all = redis.hash(keys.submitted());
        all.forEach((queue, count) -> counts.computeIfAbsent(queue, this::register).set(Long.parseLong(count)));
    }

    private AtomicLong register(String queue) {
        AtomicLong count = new AtomicLong();
        FunctionCounter.builder("deployster.jobs.submitted", count, AtomicLong::get).tag("queue", queue)
                .description("Jobs submitted to the queue by any producer, as counted in Redis").register(meters);
        return count;
    }
}
