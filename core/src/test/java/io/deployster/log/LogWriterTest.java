package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.StreamEntry;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One job's log writer against a real redis-server: what reaches the stream, and that closing always ends. */
class LogWriterTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();

    @Test
    void anEventHandedOverWhileTheLogClosesIsShippedAndCloseReturns() throws Exception {
        // the shipping task starts only when the test says, so the end marker and a late event meet in one batch
        AtomicReference<Runnable> shipping = new AtomicReference<>();
        LogWriter log = new LogWriter(redis.client(), keys, "late-event", "1700000000000-1", 10_000, 1_000, shipping::set,
                LogShipping.NONE);
        log.event("command", LogField.MESSAGE, "first");
        Thread closing = new Thread(log::close, "closing");
        closing.start();
        Await.until("close() to hand over its end marker and wait", Duration.ofSeconds(10),
                () -> closing.getState() == Thread.State.WAITING);
        log.event("fenced", LogField.MESSAGE, "late");
        new Thread(shipping.get(), "shipping").start();

        closing.join(Duration.ofSeconds(20).toMillis());
        assertEquals(Thread.State.TERMINATED, closing.getState(), "close() must return once everything handed over is shipped");
        List<StreamEntry> written = new LogStreams(redis.client()).range(keys.log("late-event"), "0-0", 100);
        assertEquals(List.of("first", "late"), written.stream().map(e -> e.fields().get(LogField.MESSAGE)).toList());
    }
}
