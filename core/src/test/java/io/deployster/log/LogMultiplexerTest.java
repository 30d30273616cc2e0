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
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

/**
 * The shared log reader: console positions recorded in Redis up to the last entry a listener took, never
 * past it; the followed logs shared out among several readers, each blocked on its own share.
 */
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

    /** Up to {@code readers} readers, a further one started once each running one follows two logs. */
    private LogMultiplexer split(int readers) {
        return new LogMultiplexer(pool, keys, r -> {
            Thread t = new Thread(r, "test-log-reader-of-" + readers);
            t.setDaemon(true);
            return t;
        }, readers, 2);
    }

    /** Clients Redis holds in a blocking read (INFO clients), i.e. the readers waiting on their share. */
    private long blockedReads() {
        String info = redis.client().call(j -> j.info("clients"));
        return info.lines().filter(l -> l.startsWith("blocked_clients:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(-1);
    }

    @Test
    void logsSplitOverTwoReadersArriveWholeAndInOrderWhileOthersAreFollowedAndCancelledDuringTheBlockedReads() {
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        Map<String, List<String>> written = new ConcurrentHashMap<>();
        List<String> jobs = List.of("s1", "s2", "s3", "s4");
        try (LogMultiplexer two = split(2)) {
            Map<String, LogMultiplexer.Subscription> subs = new ConcurrentHashMap<>();
            for (String job : jobs) {
                seen.put(job, Collections.synchronizedList(new ArrayList<>()));
                written.put(job, new ArrayList<>());
                subs.put(job, two.follow(job, LogFollower.START, entry -> seen.get(job).add(entry.id())));
                written.get(job).add(line(job, job + " first"));
                if (job.equals("s2")) {
                    // two logs are what one reader takes before a second one starts
                    Await.until("s1 and s2's first lines", Duration.ofSeconds(10),
                            () -> seen.get("s1").size() == 1 && seen.get("s2").size() == 1);
                    Await.until("one reader blocked on both", Duration.ofSeconds(10), () -> blockedReads() == 1);
                }
            }
            Await.until("every first line", Duration.ofSeconds(10), () -> jobs.stream().allMatch(j -> seen.get(j).size() == 1));
            Await.until("both readers blocked, each on its share", Duration.ofSeconds(10), () -> blockedReads() == 2);

            // while both reads are blocked: a log with a backlog joins, another is dropped
            seen.put("late", Collections.synchronizedList(new ArrayList<>()));
            written.put("late", new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                written.get("late").add(line("late", "backlog " + i));
            }
            two.follow("late", LogFollower.START, entry -> seen.get("late").add(entry.id()));
            Await.until("the late log's backlog", Duration.ofSeconds(10), () -> seen.get("late").size() == 3);
            Await.until("both readers blocked again", Duration.ofSeconds(10), () -> blockedReads() == 2);
            subs.get("s1").cancel();
            assertEquals(4, two.size());

            // lines of every log interleaved, as concurrent workers write them
            for (int i = 0; i < 50; i++) {
                for (String job : List.of("s1", "s2", "s3", "s4", "late")) {
                    String id = line(job, job + " line " + i);
                    if (!job.equals("s1")) {
                        written.get(job).add(id);
                    }
                }
            }
            String end = finished("late");
            written.get("late").add(end);
            for (String job : List.of("s2", "s3", "s4", "late")) {
                Await.until(job + "'s lines", Duration.ofSeconds(10), () -> seen.get(job).size() >= written.get(job).size());
                assertEquals(written.get(job), List.copyOf(seen.get(job)), job + ": every entry once, in order");
            }
            Await.until("the finished log no longer followed", Duration.ofSeconds(10), () -> two.size() == 3);
            assertEquals(written.get("s1").subList(0, 1), List.copyOf(seen.get("s1")), "nothing after the cancel");
        }
    }

    @Test
    void aReaderCountOutOfRangeIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split(0));
        assertTrue(e.getMessage().contains("log readers 0") && e.getMessage().contains("1 to " + LogMultiplexer.MAX_READERS),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LogMultiplexer(pool, keys, Thread::new, 2, 0));
        assertTrue(e.getMessage().contains("logs per reader 0") && e.getMessage().contains("1 or more"), e.getMessage());
    }

    @Test
    void aMalformedStartIdIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logs.follow("j3", "last", entry -> { }));
        assertTrue(e.getMessage().contains("'last'") && e.getMessage().contains("MILLIS-SEQUENCE"), e.getMessage());
    }
}
