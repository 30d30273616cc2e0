package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The log stream commands against a real redis-server: what they write, what they read back, how they fail. */
class LogStreamsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private static final long MS = 1_700_000_000_000L;

    /** What the multiplexer's round trip is told to make of each entry: its id and fields as Redis has them. */
    record Entry(String id, Map<String, String> fields) {
    }

    private static StreamEntry entry(long sequence, String field, String value) {
        return new StreamEntry(new StreamId(MS, sequence), Map.of(field, value));
    }

    private final LogStreams streams = new LogStreams(redis.client());

    @Test
    void appendNumbersEntriesAfterTheGivenIdAndSkipsThoseAlreadyWritten() {
        streams.append("log:a", MS, 1, List.of(Map.of("l", "one"), Map.of("l", "two")), 1000);
        // a resend after a lost answer: entries 1 and 2 are there, only 3 is new
        streams.append("log:a", MS, 1, List.of(Map.of("l", "one"), Map.of("l", "two"), Map.of("l", "three")), 1000);

        List<StreamEntry> all = streams.range("log:a", "0-0", 100);
        assertEquals(List.of(entry(1, "l", "one"), entry(2, "l", "two"), entry(3, "l", "three")), all);
        assertEquals(List.of(entry(3, "l", "three")), streams.range("log:a", MS + "-2", 100),
                "a page starts after the id given");
        assertEquals(2, streams.range("log:a", "0-0", 2).size(), "and holds at most max entries");
        assertEquals(List.of(), streams.range("log:none", "0-0", 100), "no stream reads as no entries");
    }

    @Test
    void appendKeepsTheStreamNearItsLengthCap() {
        for (int batch = 0; batch < 10; batch++) {
            streams.append("log:capped", MS, 1 + batch * 100L, Collections.nCopies(100, Map.of("l", "x")), 100);
        }
        long length = redis.client().call(j -> j.xlen("log:capped"));
        // MAXLEN ~ trims whole nodes of 100 entries: never fewer than the cap, far fewer than the 1,000 written
        assertTrue(length >= 100 && length < 1000, "stream length " + length);
    }

    @Test
    void appendToAKeyOfAnotherTypeIsRefusedInOurWords() {
        redis.client().run(j -> j.set("log:string", "x"));
        RedisCommandException e = assertThrows(RedisCommandException.class,
                () -> streams.append("log:string", MS, 1, List.of(Map.of("l", "one")), 100));
        assertTrue(e.getMessage().startsWith("Redis at " + redis.client().uri() + " refused log entries for log:string: WRONGTYPE"), e.getMessage());
    }

    @Test
    void aBlockingReadReturnsTheNewEntriesOfEachStreamFromItsOwnPosition() {
        streams.append("log:x", MS, 1, List.of(Map.of("l", "x1"), Map.of("l", "x2")), 100);
        streams.append("log:y", MS, 1, List.of(Map.of("l", "y1")), 100);
        try (LogStreams.Connection c = streams.open()) {
            Map<String, String> after = new LinkedHashMap<>();
            after.put("log:x", MS + "-1");
            after.put("log:y", "0-0");
            after.put("log:z", "0-0");
            Map<String, List<StreamEntry>> got = c.read(after, 10, 100);
            assertEquals(Map.of("log:x", List.of(entry(2, "l", "x2")), "log:y", List.of(entry(1, "l", "y1"))), got);

            assertEquals(Map.of(), c.read(Map.of("log:x", MS + "-2"), 10, 50), "nothing new: empty after the block");
            assertEquals(List.of("log:gone"), c.missing(List.of("log:x", "log:gone")));
        }
    }

    @Test
    void recordAndReadWritesThePositionsAndReadsInOneRoundTrip() {
        streams.append("log:m", MS, 1, List.of(Map.of("l", "m1"), Map.of("l", "m2")), 100);
        try (LogStreams.Connection c = streams.open()) {
            LogStreams.RoundTrip<Entry> trip = c.recordAndRead(
                    List.of(new LogStreams.Setex(LogStreams.Arg.of("pos:m"), LogStreams.Arg.of(60), LogStreams.Arg.of(MS + "-1"))),
                    new LogStreams.ReadOptions(1, 100), List.of(LogStreams.Arg.of("log:m")), List.of(LogStreams.Arg.of("0-0")), Entry::new);
            assertEquals(Arrays.asList((String) null), trip.refused());
            assertEquals(Map.of("log:m", List.of(new Entry(MS + "-1", Map.of("l", "m1")))), trip.entries(), "COUNT 1: one entry");
            assertEquals(MS + "-1", redis.client().call(j -> j.get("pos:m")));
            long ttl = redis.client().call(j -> j.ttl("pos:m"));
            assertTrue(ttl > 0 && ttl <= 60, "position ttl " + ttl);

            LogStreams.RoundTrip<Entry> readOnly = c.recordAndRead(List.of(), new LogStreams.ReadOptions(10, 50),
                    List.of(LogStreams.Arg.of("log:m")), List.of(LogStreams.Arg.of(MS + "-2")), Entry::new);
            assertEquals(List.of(), readOnly.refused());
            assertNull(readOnly.entries(), "a block that ended without entries");

            LogStreams.RoundTrip<Entry> writesOnly = c.recordAndRead(
                    List.of(new LogStreams.Setex(LogStreams.Arg.of("pos:only"), LogStreams.Arg.of(5), LogStreams.Arg.of("2-2"))),
                    new LogStreams.ReadOptions(10, 50), List.of(), List.of(), Entry::new);
            assertNull(writesOnly.entries(), "no streams: no read");
            assertEquals("2-2", redis.client().call(j -> j.get("pos:only")));
        }
    }

    @Test
    void unblockEndsAnotherConnectionsBlockingReadWithoutAnError() throws Exception {
        try (LogStreams.Connection c = streams.open()) {
            long id = c.clientId();
            assertFalse(streams.unblock(id), "not blocked yet");
            CompletableFuture<Map<String, List<StreamEntry>>> read = CompletableFuture.supplyAsync(
                    () -> c.read(Map.of("log:quiet", "0-0"), 10, 9000));
            Await.until("the read is blocked and then unblocked", Duration.ofSeconds(5), () -> streams.unblock(id));
            assertEquals(Map.of(), read.get(8, TimeUnit.SECONDS));
        }
    }

    @Test
    void aServerThatGoesAwayIsReportedByNameWithWhatToDo() throws Exception {
        Path dir = Files.createTempDirectory("deployster-redis-");
        RedisServer server = RedisServer.start(dir);
        try (Redis client = Redis.connect(server.uri())) {
            LogStreams own = new LogStreams(client);
            own.append("log:b", MS, 1, List.of(Map.of("l", "one")), 100);
            try (LogStreams.Connection c = own.open()) {
                server.close();
                RedisUnavailableException e = assertThrows(RedisUnavailableException.class,
                        () -> c.read(Map.of("log:b", MS + "-1"), 10, 100));
                assertEquals(server.uri(), e.server());
                assertTrue(e.getMessage().startsWith("cannot reach Redis at " + server.uri() + " ("), e.getMessage());
                assertTrue(e.getMessage().contains("check that the server is up"), e.getMessage());
            }
            RedisUnavailableException refused = assertThrows(RedisUnavailableException.class,
                    () -> own.append("log:b", MS, 2, List.of(Map.of("l", "two")), 100));
            assertEquals("connection refused", refused.reason());
            assertThrows(RedisUnavailableException.class, own::open);
            assertThrows(RedisUnavailableException.class, () -> own.range("log:b", "0-0", 10));
        } finally {
            server.close();
        }
    }
}
