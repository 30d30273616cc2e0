package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.credentials.RedisAddress;
import io.deployster.jenkins.plan.Checks;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** What an operator types for a Sentinel deployment, and the errors a wrong one gets. */
class SentinelUriTest {
    @Test
    void theSentinelsMasterNameDbAndCredentialsAreRead() {
        RedisUri uri = RedisUri.parse("redis-sentinel://deployer:s3cret@s1:26379,s2:26380,s3/mymaster?db=3");
        SentinelAddress address = uri.sentinelAddress();
        assertEquals(List.of(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380), new HostAndPort("s3", 26379)),
                address.sentinels());
        assertEquals("mymaster", address.master());
        assertEquals(3, address.database());
        assertFalse(address.authSentinels(), "sentinels usually have no password: none is sent unless asked for");
        assertEquals("deployer", uri.user());
        assertEquals("s3cret", uri.password());
        assertFalse(uri.tls());
        assertEquals("redis-sentinel://deployer:****@s1:26379,s2:26380,s3/mymaster?db=3", uri.toString());
        assertEquals(Durability.NONE, uri.durability());
    }

    @Test
    void tlsAuthenticatedSentinelsAndDurabilityAreParameters() {
        RedisUri uri = RedisUri.parse("rediss-sentinel://:pw@s1.internal:26379,10.0.0.2/m?sentinel-auth=yes"
                + "&min-replicas-acked=1&replica-ack-timeout=250ms");
        assertTrue(uri.tls());
        assertTrue(uri.sentinelAddress().authSentinels());
        assertEquals(new HostAndPort("10.0.0.2", 26379), uri.sentinelAddress().sentinels().get(1));
        assertNull(uri.user());
        assertEquals("pw", uri.password());
        assertEquals(new Durability(1, Duration.ofMillis(250)), uri.durability());
        assertEquals(new Durability(2, Duration.ofSeconds(2)),
                RedisUri.parse("redis://r:6379/0?min-replicas-acked=2&replica-ack-timeout=2s").durability());
    }

    @Test
    void aWrongSentinelUriNamesTheFieldTheValueAndWhatIsAllowed() {
        assertError("redis-sentinel://s1:26379,s2:26379", "master name ''", "sentinel monitor NAME");
        assertError("redis-sentinel://s1:26379,s2:2637x/m", "sentinel port '2637x'", "1 to 65535");
        assertError("redis-sentinel://s1:26379,,s3/m", "sentinel host ''", "host[:port] separated by commas");
        assertError("redis-sentinel://s1,s1/m", "names a sentinel twice", "once");
        assertError("redis-sentinel://s1/m?db=x", "db 'x'", "a number");
        assertError("redis-sentinel://s1/m?sentinel-auth=maybe", "sentinel-auth 'maybe'", "use yes");
        assertError("redis-sentinel://s1/m?master=x", "parameter 'master'", "allowed: db, min-replicas-acked");
        assertError("redis-sentinel://s1/m?min-replicas-acked=many", "min-replicas-acked 'many'", "0 to 16");
        assertError("redis-sentinel://s1/m?min-replicas-acked=1&replica-ack-timeout=soon", "replica-ack-timeout 'soon'", "500ms");
        assertError("sentinel://s1/m", "scheme 'sentinel'", "redis-sentinel://");
        assertError("notaurl", "'notaurl' has no scheme", "use redis://");
        assertError("localhost:6379", "has scheme 'localhost'", "use redis://");
        assertError("redis-sentinel://u:topsecret@s1/m?db=x", "db 'x'", "a number");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisUri.parse("redis-sentinel://u:topsecret@s1/m?db=x"));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    }

    @Test
    void aPortThatIsNotANumberFrom1To65535IsNamedAsThePortNotAsAMissingHost() {
        assertError("redis://u:topsecret@127.0.0.1:abc", "has port 'abc'", "a number from 1 to 65535");
        assertError("redis://127.0.0.1:99999/0", "has port '99999'", "a number from 1 to 65535");
        assertError("redis://127.0.0.1:0", "has port '0'", "a number from 1 to 65535");
        assertFalse(assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis://u:topsecret@127.0.0.1:abc"))
                .getMessage().contains("topsecret"));
        assertEquals(6380, RedisUri.parse("redis://[::1]:6380").uri().getPort());
    }

    @Test
    void jenkinsAddsItsCredentialToASentinelUriAndWarnsAboutOneInIt() {
        String password = "p@ss/w:rd%1 +";
        String uri = RedisAddress.withCredentials("redis-sentinel://s1:26379,s2:26379/mymaster?db=2", "deployer", password);
        RedisUri parsed = RedisUri.parse(uri);
        assertEquals("deployer", parsed.user());
        assertEquals(password, parsed.password());
        assertEquals(2, parsed.sentinelAddress().database());
        assertEquals(2, parsed.sentinelAddress().sentinels().size());
        assertEquals(Checks.Check.Level.OK, Checks.redisUri("redis-sentinel://s1,s2,s3/mymaster").level());
        assertEquals(Checks.Check.Level.WARNING, Checks.redisUri("redis-sentinel://:pw@s1,s2,s3/mymaster").level());
        assertEquals(Checks.Check.Level.ERROR, Checks.redisUri("redis-sentinel://s1,s2,s3").level());
    }

    private static void assertError(String uri, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(uri), uri);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention: " + part);
        }
    }
}
