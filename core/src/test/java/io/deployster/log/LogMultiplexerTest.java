package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

/** The shared log reader's console positions: recorded in Redis up to the last entry a listener took, never past it. */
class LogMultiplexerTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();
    private Redis pool;
    private LogMultiplexer logs;

    @BeforeEach
    void start() {
        pool = Redis.connect(redis.uri());
        logs = new LogMultiplexer(pool, keys, r -> {
            Thread t = new Thread(r, "test-log-reader");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void stop() {
        logs.close();
        pool.close();
    }

    private String line(String jobId, String text) {
        return redis.client().call(j -> j.xadd(keys.log(jobId), StreamEntryID.NEW_ENTRY, Map.of("s", "out", "l", text, "ts", "1")))
                .toString();
    }

    private String finished(String jobId) {
        return redis.client().call(j -> j.xadd(keys.log(jobId), StreamEntryID.NEW_ENTRY,
                Map.of("e", "finished", "status", "succeeded", "ts", "1"))).toString();
    }

    private String recorded(LogMultiplexer.Position at) {
        return redis.client().call(j -> j.get(at.key()));
    }

    @Test
    void thePositionFollowsEveryEntryTakenUpToTheFinishedOneAndExpires() {
        LogMultiplexer.Position at = new LogMultiplexer.Position(keys.consolePosition("j1", "shop/main#3"), Duration.ofSeconds(600));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        line("j1", "one");
        logs.follow("j1", LogFollower.START, at, entry -> seen.add(entry.id()));
        Await.until("line one taken", Duration.ofSeconds(10), () -> seen.size() == 1);
        Await.until("its position recorded", Duration.ofSeconds(10), () -> seen.get(0).equals(recorded(at)));
        line("j1", "two");
        String end = finished("j1");
        Await.until("the finished entry taken", Duration.ofSeconds(10), () -> seen.contains(end));
        // the subscription ended with that entry; its last position still goes out, though nothing else is followed
        Await.until("the finished entry's position recorded", Duration.ofSeconds(10), () -> end.equals(recorded(at)));
        long ttl = redis.client().call(j -> j.ttl(at.key()));
        assertTrue(ttl > 0 && ttl <= 600, "expires with the log's retention: ttl " + ttl);
        assertEquals(0, logs.size());
    }

    @Test
    void anEntryWhoseListenerCancelsIsNeitherTakenNorRecorded() {
        LogMultiplexer.Position at = new LogMultiplexer.Position(keys.consolePosition("j2", "shop/main#4"), Duration.ofSeconds(600));
        String first = line("j2", "printed");
        String second = line("j2", "refused at shutdown");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        LogMultiplexer.Subscription[] sub = new LogMultiplexer.Subscription[1];
        sub[0] = logs.follow("j2", LogFollower.START, at, entry -> {
            if (entry.id().equals(second)) {
                sub[0].cancel(); // as a step does once Jenkins shuts down: it prints nothing more
                return;
            }
            seen.add(entry.id());
        });
        Await.until("cancelled", Duration.ofSeconds(10), () -> logs.size() == 0);
        Await.until("the position of the entry printed", Duration.ofSeconds(10), () -> first.equals(recorded(at)));
        assertEquals(List.of(first), seen);

        // a follower resumed from the recorded position starts with the refused entry
        List<String> again = Collections.synchronizedList(new ArrayList<>());
        logs.follow("j2", recorded(at), at, entry -> again.add(entry.id()));
        Await.until("the refused entry delivered", Duration.ofSeconds(10), () -> !again.isEmpty());
        assertEquals(second, again.get(0));
    }

    @Test
    void aMalformedStartIdIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logs.follow("j3", "last", entry -> { }));
        assertTrue(e.getMessage().contains("'last'") && e.getMessage().contains("MILLIS-SEQUENCE"), e.getMessage());
    }
}
