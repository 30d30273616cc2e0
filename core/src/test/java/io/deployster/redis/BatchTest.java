package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.RealRedis;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;

/** Batched reads and SCAN against a real redis-server: the answers come back as plain values, refusals in our words. */
class BatchTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    /** Every answer of one batch, read after its round trip. */
    record Answers(Supplier<String> get, Supplier<Long> pttl, Supplier<List<String>> lrange, Supplier<Long> llen,
                   Supplier<List<String>> hmget, Supplier<String> hget, Supplier<Boolean> exists, Supplier<Boolean> absent,
                   Supplier<Long> xlen, Supplier<List<StreamEntry>> head, Supplier<List<StreamEntry>> noStream, Supplier<Long> pending) {
    }

    @Test
    void oneBatchAnswersEveryKindOfRead() {
        Redis client = redis.client();
        client.run(j -> {
            j.psetex("s", 60_000, "v");
            j.rpush("l", "a", "b", "c");
            j.hset("h", Map.of("f1", "1", "f2", "2"));
            j.xadd("q", XAddParams.xAddParams().id(new StreamEntryID(5, 1)), Map.of("job", "j1"));
            j.xadd("q", XAddParams.xAddParams().id(new StreamEntryID(6, 0)), Map.of("job", "j2"));
            j.xgroupCreate("q", "workers", new StreamEntryID(0, 0), false);
            j.xreadGroup("workers", "c1", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of("q", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        });
        Answers a = client.batch(b -> {
            Answers queued = new Answers(b.get("s"), b.pttl("s"), b.lrange("l", 0, 1), b.llen("l"), b.hmget("h", "f2", "none", "f1"),
                    b.hget("h", "f1"), b.exists("h"), b.exists("none"), b.xlen("q"), b.head("q", 1), b.head("none", 1),
                    b.pending("q", "workers"));
            return () -> queued;
        });
        assertEquals("v", a.get().get());
        assertTrue(a.pttl().get() > 0 && a.pttl().get() <= 60_000, "pttl " + a.pttl().get());
        assertEquals(List.of("a", "b"), a.lrange().get());
        assertEquals(3L, a.llen().get());
        assertEquals(Arrays.asList("2", null, "1"), a.hmget().get());
        assertEquals("1", a.hget().get());
        assertTrue(a.exists().get());
        assertEquals(false, a.absent().get());
        assertEquals(2L, a.xlen().get());
        assertEquals(List.of(new StreamEntry(new StreamId(5, 1), Map.of("job", "j1"))), a.head().get());
        assertEquals(List.of(), a.noStream().get());
        assertEquals(1L, a.pending().get(), "one entry read by the group and not acknowledged");
    }

    @Test
    void aRefusedReadIsReportedInOurWordsNamingTheCommand() {
        redis.client().run(j -> j.set("s", "v"));
        RedisCommandException e = assertThrows(RedisCommandException.class, () -> redis.client().batch(b -> b.llen("s")));
        assertTrue(e.getMessage().startsWith("Redis at " + redis.client().uri() + " refused LLEN s: WRONGTYPE"), e.getMessage());
    }

    @Test
    void scanFindsEveryKeyOfTheTypeAcrossPages() {
        redis.client().run(j -> {
            for (int i = 0; i < 2500; i++) {
                j.hset("job:{" + i + "}", "status", "queued");
            }
            j.set("job:{string}", "not a hash");
        });
        TreeSet<String> found = new TreeSet<>(redis.client().scan("job:*", "hash"));
        assertEquals(2500, found.size());
        assertTrue(found.contains("job:{0}") && found.contains("job:{2499}") && !found.contains("job:{string}"));
    }
}
