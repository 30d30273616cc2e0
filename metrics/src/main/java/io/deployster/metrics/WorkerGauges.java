package io.deployster.metrics;

import io.deployster.ops.WorkerInfo;
import io.deployster.ops.WorkersView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * deployster_workers{state="alive"|"dead"}, from the workers' heartbeats in Redis at each scrape: a
 * worker that died shows as dead here even when nothing scrapes it (dead ones count for a day).
 */
public final class WorkerGauges implements Runnable {
    private final WorkersView workers;
    private final AtomicLong alive = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();

    public WorkerGauges(MeterRegistry meters, WorkersView workers) {
        this.workers = workers;
        Gauge.builder("deployster.workers", alive, AtomicLong::get).strongReference(true).tag("state", "alive")
                .description("Workers by state, from their heartbeats in Redis (dead: silent for their lost-after time, within a day)")
                .register(meters);
        Gauge.builder("deployster.workers", dead, AtomicLong::get).strongReference(true).tag("state", "dead")
                .description("Workers by state, from their heartbeats in Redis (dead: silent for their lost-after time, within a day)")
                .register(meters);
    }

    @Override
    public void run() {
        List<WorkerInfo> all = workers.list();
        long up = all.stream().filter(WorkerInfo::alive).count();
        alive.set(up);
        dead.set(all.size() - up);
    }
}
