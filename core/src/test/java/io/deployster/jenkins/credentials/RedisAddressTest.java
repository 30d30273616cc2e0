package io.deployster.jenkins.credentials;

import io.deployster.redis.RedisProbe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.testing.RealRedis;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.util.JedisURIHelper;

class RedisAddressTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private static final String PASSWORD = "p@ss/w:rd%1";

    @Test
    void credentialsAreAddedSoTheClientReadsThemBackExactly() {
        String uri = RedisAddress.withCredentials("rediss://redis.internal:6380/2", "deployer", PASSWORD);
        RedisUri parsed = RedisUri.parse(uri);
        assertEquals("deployer", JedisURIHelper.getUser(parsed.uri()));
        assertEquals(PASSWORD, JedisURIHelper.getPassword(parsed.uri()));
        assertEquals(2, JedisURIHelper.getDBIndex(parsed.uri()));
        assertTrue(parsed.tls());
        assertFalse(parsed.toString().contains("p@ss"), parsed.toString());
    }

    @Test
    void withoutAPasswordTheUriIsUnchanged() {
        assertEquals("redis://r:6379", RedisAddress.withCredentials("redis://r:6379", null, null));
        assertEquals("redis://u:****@r", RedisAddress.redact("redis://u:secret@r"));
    }

    @Test
    void testConnectionReportsPongAndVersion() {
        RedisProbe.Result ok = RedisProbe.ping(redis.uri());
        assertTrue(ok.ok(), ok.message());
        assertTrue(ok.message().startsWith("Connected to " + redis.uri() + ": PONG in "), ok.message());
        assertTrue(ok.message().matches(".*, Redis \\d+\\.\\d+.*"), ok.message());
    }

    @Test
    void aPasswordProtectedRedisIsReachedWithTheCredentialAndAWrongOneIsExplained() {
        redis.client().run(j -> j.configSet("requirepass", PASSWORD));
        String withPassword = RedisAddress.withCredentials(redis.uri(), null, PASSWORD);
        try {
            RedisProbe.Result ok = RedisProbe.ping(withPassword);
            assertTrue(ok.ok(), ok.message());
            assertFalse(ok.message().contains(PASSWORD), ok.message());

            RedisProbe.Result wrong = RedisProbe.ping(RedisAddress.withCredentials(redis.uri(), null, "not-the-password"));
            assertFalse(wrong.ok());
            assertTrue(wrong.message().startsWith("Cannot use Redis at"), wrong.message());
            assertFalse(wrong.message().contains("not-the-password"), wrong.message());
        } finally {
            try (Redis authenticated = Redis.connect(withPassword)) {
                authenticated.run(j -> j.configSet("requirepass", ""));
            }
        }
    }

    @Test
    void testConnectionExplainsAnUnreachableRedis() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisProbe.Result down = RedisProbe.ping("redis://127.0.0.1:" + port);
        assertFalse(down.ok());
        assertTrue(down.message().contains("127.0.0.1:" + port), down.message());
        assertFalse(RedisProbe.ping("http://nope").ok());
    }
}
