package io.deployster.testing;

import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server for a test class, emptied before each test. Register with
 * {@code @RegisterExtension static RealRedis redis = new RealRedis();}.
 */
public final class RealRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final String[] config;
    private RedisServer server;
    private Redis client;

    public RealRedis(String... config) {
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path dir = Files.createTempDirectory("deployster-redis-");
        server = RedisServer.start(dir, config);
        client = Redis.connect(server.uri());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        client.run(j -> j.flushAll());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        server.close();
    }

    public String uri() {
        return server.uri();
    }

    public RedisServer server() {
        return server;
    }

    /** A connection pool for test assertions; owned by this extension. */
    public Redis client() {
        return client;
    }
}
