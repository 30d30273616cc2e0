package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.protocol.Reply;
import io.deployster.testing.RealRedis;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis layer's single-command methods against a real redis-server: plain values back, refusals in our words. */
class RedisCommandsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @Test
    void readsAnswerPlainValuesAndNothingForMissingKeys() {
        Redis client = redis.client();
        client.run(j -> {
            j.setex("s", 60, "v");
            j.hset("h", Map.of("f1", "1", "f2", "2"));
            j.sadd("set", "a", "b");
            j.rpush("l", "a", "b", "c");
        });
        assertEquals("v", client.get("s"));
        assertNull(client.get("none"));
        long ttl = client.secondsToLive("s");
        assertTrue(ttl > 0 && ttl <= 60, "ttl " + ttl);
        assertEquals(-2, client.secondsToLive("none"));
        assertEquals(Map.of("f1", "1", "f2", "2"), client.hash("h"));
        assertEquals(Map.of(), client.hash("none"));
        assertEquals("2", client.hashField("h", "f2"));
        assertNull(client.hashField("h", "none"));
        assertEquals(Arrays.asList("2", null, "1"), client.hashFields("h", "f2", "none", "f1"));
        assertEquals(Set.of("a", "b"), client.members("set"));
        assertEquals(Set.of(), client.members("none"));
        assertEquals(List.of("a", "b"), client.list("l", 0, 1));
        assertEquals(List.of("c"), client.list("l", -1, -1));
        assertEquals(List.of(), client.list("none", 0, 9));
    }

    @Test
    void writesChangeOnlyWhatTheySay() {
        Redis client = redis.client();
        client.run(j -> j.hset("h", "kept", "x"));
        client.setHashField("h", "added", "y");
        assertEquals(Map.of("kept", "x", "added", "y"), client.hash("h"));
        client.run(j -> j.sadd("set", "a", "b"));
        client.removeMember("set", "a");
        client.removeMember("set", "not there");
        assertEquals(Set.of("b"), client.members("set"));
    }

    @Test
    void aWindowCountExpiresFromItsFirstIncrementOnly() {
        Redis client = redis.client();
        assertEquals(1, client.countInWindow("count", 60));
        client.run(j -> j.expire("count", 30));
        assertEquals(2, client.countInWindow("count", 60));
        long ttl = client.secondsToLive("count");
        assertTrue(ttl > 0 && ttl <= 30, "a later increment leaves the window's end where it was: ttl " + ttl);
    }

    @Test
    void aRecordSetForTheLifeOfAKeyExpiresWithIt() {
        Redis client = redis.client();
        client.run(j -> j.psetex("job", 50_000, "x"));
        client.setForLifeOf("position", "1-0", "job", 900_000);
        long ttl = client.call(j -> j.pttl("position"));
        assertTrue(ttl > 0 && ttl <= 50_000, "follows the job's life: pttl " + ttl);
        client.setForLifeOf("orphan", "2-0", "no job", 900_000);
        long fallback = client.call(j -> j.pttl("orphan"));
        assertTrue(fallback > 50_000 && fallback <= 900_000, "the fallback when the key has no life left: pttl " + fallback);
        assertEquals("2-0", client.get("orphan"));
    }

    @Test
    void aRefusedCommandIsReportedInOurWordsNamingTheCommandAndKey() {
        Redis client = redis.client();
        client.run(j -> j.set("s", "v"));
        RedisCommandException e = assertThrows(RedisCommandException.class, () -> client.hash("s"));
        assertTrue(e.getMessage().startsWith("Redis at " + client.uri() + " refused HGETALL s: WRONGTYPE"), e.getMessage());
        assertTrue(e.redisError().startsWith("WRONGTYPE"), e.redisError());
    }

    @Test
    void aScriptRunsOnTheLayerAndItsRefusalNamesTheScript() {
        Redis client = redis.client();
        Keys keys = Keys.defaults();
        Script release = Script.load("workflow-release", keys);
        client.run(j -> j.set(keys.driver("wf-1"), "coordinator-a"));
        assertEquals(Reply.Code.ALREADY, release.run(client, List.of(keys.driver("wf-1")), List.of("coordinator-b")).code());
        assertEquals(Reply.Code.OK, release.run(client, List.of(keys.driver("wf-1")), List.of("coordinator-a")).code());
        assertNull(client.get(keys.driver("wf-1")), "released");
        client.run(j -> j.hset(keys.driver("wf-2"), "a", "b"));
        RedisCommandException e = assertThrows(RedisCommandException.class,
                () -> release.run(client, List.of(keys.driver("wf-2")), List.of("coordinator-a")));
        assertTrue(e.getMessage().contains("refused the script workflow-release.lua: "), e.getMessage());
    }
}
