package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.protocol.LogField;
import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.StreamEntry;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One job's log writer against a real redis-server: what reaches the stream, in which order, and that closing always ends. */
class LogWriterTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();

    @Test
    void anEventOfAQuietJobIsInTheStreamWhenEventReturnsWithoutAShippingTask() {
        BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        LogWriter log = new LogWriter(redis.client(), keys, "quiet", "1700000000000-1", 10_000, 1_000, tasks::add, LogShipping.NONE);

        log.event("command", LogField.MESSAGE, "first");
        assertEquals(List.of("first"), messages("quiet"), "an event handed over while nothing waits is sent at once");
        log.event("commandEnded", LogField.MESSAGE, "second");
        log.close();

        assertEquals(List.of("first", "second"), messages("quiet"));
        assertTrue(tasks.isEmpty(), "no shipping task was needed: " + tasks);
    }

    @Test
    void entriesHandedOverWhileTheShippingTaskWaitsAreShippedInOrderAndCloseWaitsForThem() throws Exception {
        // the shipping task runs only when the test says, so lines, an event and close() meet while it waits
        BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        LogWriter log = new LogWriter(redis.client(), keys, "busy", "1700000000000-1", 10_000, 1_000, tasks::add, LogShipping.NONE);
        log.line(LogEntry.STDOUT, "line 1");
        log.line(LogEntry.STDERR, "line 2");
        log.event("fenced", LogField.MESSAGE, "late");
        assertEquals(1, tasks.size(), "one shipping task for everything waiting");
        Thread closing = new Thread(log::close, "closing");
        closing.start();
        Await.until("close() to wait for the shipping task", Duration.ofSeconds(10),
                () -> closing.getState() == Thread.State.TIMED_WAITING || closing.getState() == Thread.State.WAITING);
        assertEquals(List.of(), messages("busy"));

        new Thread(tasks.take(), "shipping").start();
        closing.join(Duration.ofSeconds(20).toMillis());

        assertEquals(Thread.State.TERMINATED, closing.getState(), "close() must return once everything handed over is shipped");
        List<StreamEntry> written = new LogStreams(redis.client()).range(keys.log("busy"), "0-0", 100);
        assertEquals(List.of("line 1", "line 2", "late"), written.stream()
                .map(e -> e.fields().getOrDefault(LogField.LINE, e.fields().get(LogField.MESSAGE))).toList());
        assertEquals(List.of("1700000000000-2", "1700000000000-3", "1700000000000-4"), written.stream().map(e -> e.id().toString()).toList(),
                "entries are numbered after the job's started entry, in the order they were handed over");
    }

    @Test
    void aPoolThatRefusesTasksNeitherLosesLinesNorLeavesCloseWaiting() {
        // a worker shutting down has stopped its pool while a job's last output is handed over
        LogWriter log = new LogWriter(redis.client(), keys, "shutting-down", "1700000000000-1", 10_000, 1_000, task -> {
            throw new RejectedExecutionException("pool shut down");
        }, LogShipping.NONE);
        log.line(LogEntry.STDOUT, "last words");
        log.close();

        List<StreamEntry> written = new LogStreams(redis.client()).range(keys.log("shutting-down"), "0-0", 100);
        assertEquals(List.of("last words"), written.stream().map(e -> e.fields().get(LogField.LINE)).toList());
    }

    private List<String> messages(String job) {
        return new LogStreams(redis.client()).range(keys.log(job), "0-0", 100).stream().map(e -> e.fields().get(LogField.MESSAGE)).toList();
    }
}
