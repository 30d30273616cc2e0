package io.deployster.bench;

import redis.clients.jedis.Jedis;

/**
 * Scenario 1, the floor: PING from this JVM through the same pool class and connection settings the
 * worker and the CLI use. Every other latency is also printed as a multiple of its median.
 */
final class RedisRtt implements Scenario {
    @Override
    public String name() {
        return "redis-rtt";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) {
        int n = ctx.config.pings();
        int warmup = ctx.config.pingWarmup();
        // alternating, so a slow patch of the machine weighs on both alike
        Samples pooled = new Samples();
        Samples held = new Samples();
        try (Jedis jedis = ctx.redis.borrow()) {
            for (int i = 0; i < warmup + n; i++) {
                long t0 = System.nanoTime();
                ctx.redis.call(Jedis::ping);
                long t1 = System.nanoTime();
                jedis.ping();
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    pooled.add(t1 - t0);
                    held.add(t2 - t1);
                }
            }
        }
        Samples.Stats stats = pooled.stats();
        ctx.rttMs(stats.p50Ms());
        result.put("ping", result.latency(stats, ctx.rttMs()));
        result.put("pingHeldConnection", result.latency(held.stats(), ctx.rttMs()));
        result.latencyRow("PING, pooled connection (" + ScenarioResult.count(n) + ")", stats, ctx.rttMs(), null, null);
        result.latencyRow("PING, one held connection", held.stats(), ctx.rttMs(), null, null);
    }
}
