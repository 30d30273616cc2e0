package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.redis.Keys;
import io.deployster.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/** Entries lost between a worker and a follower (a failover that lost them) are reported, not passed over. */
class LogGapTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @Test
    void aHoleInTheJobsNumberingIsReportedWhereItIs() throws Exception {
        Keys keys = Keys.defaults();
        String key = keys.log("20260101-000000-gaptest1");
        long ms = 1_700_000_000_000L;
        add(key, ms, 1, Map.of("e", "started", "worker", "w1"));
        add(key, ms, 2, Map.of("s", "out", "l", "one"));
        // 3 and 4 never reached the primary that the follower reads
        add(key, ms, 5, Map.of("s", "out", "l", "four"));
        add(key, ms + 10, 0, Map.of("e", "finished", "status", "succeeded"));

        List<String> seen = new ArrayList<>();
        new LogFollower(redis.client(), keys).follow("20260101-000000-gaptest1", LogFollower.START,
                e -> seen.add(e.isLine() ? e.text() : e.event() + (e.field("missing") == null ? "" : " " + e.field("missing"))),
                id -> true);
        assertEquals(List.of("started", "one", "gap 2", "four", "finished"), seen);

        List<String> resumed = new ArrayList<>();
        new LogFollower(redis.client(), keys).follow("20260101-000000-gaptest1", ms + "-2", e -> resumed.add(e.event() == null ? e.text() : e.event()),
                id -> true);
        assertEquals(List.of("gap", "four", "finished"), resumed, "resuming after the gap entry's id reads on after the hole");
    }

    private static void add(String key, long ms, long seq, Map<String, String> fields) {
        redis.client().run(j -> j.xadd(key, XAddParams.xAddParams().id(new StreamEntryID(ms, seq)), fields));
    }
}
