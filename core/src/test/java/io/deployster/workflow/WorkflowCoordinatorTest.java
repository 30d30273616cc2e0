package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a coordinator tells the person reading a worker's log while Redis is away. */
class WorkflowCoordinatorTest {
    @TempDir
    Path dir;

    @Test
    void anOutageIsLoggedOnceWhenItBeginsAndOnceWhenItEndsThoughEveryLookFails() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(WorkflowCoordinator.class.getName());
        logger.addHandler(capture);
        RedisServer server = RedisServer.start(dir.resolve("before"));
        int port = server.port();
        try (Redis redis = Redis.connect(server.uri())) {
            WorkflowStore store = new WorkflowStore(redis, JobQueue.create(redis, Keys.defaults(), QueueSettings.DEFAULT, null),
                    Clock.systemUTC());
            WorkflowCoordinator coordinator = new WorkflowCoordinator(store, new WorkflowEngine(store, "w-1", id -> { }), "w-1",
                    QueueSettings.DEFAULT.lockTtl());
            coordinator.tick();
            server.close();
            for (int i = 0; i < 10; i++) {
                coordinator.tick();
            }
            List<LogRecord> during = List.copyOf(records);
            assertEquals(1, during.size(), "ten failed looks, one line: " + during.stream().map(LogRecord::getMessage).toList());
            assertEquals(Level.WARNING, during.get(0).getLevel());
            assertTrue(during.get(0).getMessage().contains("cannot read workflows"), during.get(0).getMessage());

            server = RedisServer.start(dir.resolve("after"), port);
            coordinator.tick();
            coordinator.tick();
            assertEquals(2, records.size(), records.stream().map(LogRecord::getMessage).toList().toString());
            assertEquals(Level.INFO, records.get(1).getLevel());
            assertTrue(records.get(1).getMessage().contains("reads workflows again"), records.get(1).getMessage());
        } finally {
            logger.removeHandler(capture);
            server.close();
        }
    }
}
