package io.deployster.redis;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A pool of connections to one Redis server. Blocking readers (followers, the worker's queue reader)
 * hold a connection for the whole block, so the pool is sized for them.
 */
public final class Redis implements AutoCloseable {
    /** Blocking reads wait at most this long so a reader notices shutdown and lost connections. */
    public static final int BLOCK_MILLIS = 1000;

    private final RedisUri uri;
    private final JedisPool pool;

    public Redis(RedisUri uri, int maxConnections) {
        this(uri, maxConnections, null);
    }

    /**
     * @param caFile PEM file of the CA that signed the server's certificate (rediss:// only); null
     *     to trust the JVM's default CAs
     */
    public Redis(RedisUri uri, int maxConnections, Path caFile) {
        this(uri, maxConnections, caFile, "deployster");
    }

    /** @param clientName the name CLIENT LIST shows for these connections (lets a bench or an admin count them) */
    public Redis(RedisUri uri, int maxConnections, Path caFile, String clientName) {
        this.uri = uri;
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(maxConnections);
        poolConfig.setMaxIdle(maxConnections);
        poolConfig.setJmxEnabled(false);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(5000)
                .socketTimeoutMillis(10_000)
                .blockingSocketTimeoutMillis(BLOCK_MILLIS + 10_000)
                .ssl(uri.tls())
                .sslParameters(verifyHostName())
                .clientName(clientName)
                .autoNegotiateProtocol(false);
        String user = JedisURIHelper.getUser(uri.uri());
        String password = JedisURIHelper.getPassword(uri.uri());
        if (user != null && !user.isEmpty()) {
            client.user(user);
        }
        if (password != null) {
            client.password(password);
        }
        if (caFile != null) {
            if (!uri.tls()) {
                throw new IllegalArgumentException("a Redis CA file (" + caFile + ") only applies to rediss:// URIs, not " + uri);
            }
            client.sslSocketFactory(Tls.trusting(caFile));
        }
        if (JedisURIHelper.hasDbIndex(uri.uri())) {
            client.database(JedisURIHelper.getDBIndex(uri.uri()));
        }
        this.pool = new JedisPool(poolConfig, JedisURIHelper.getHostAndPort(uri.uri()), client.build());
    }

    public static Redis connect(String uri) {
        return new Redis(RedisUri.parse(uri), 32);
    }

    private static SSLParameters verifyHostName() {
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        return params;
    }

    public RedisUri uri() {
        return uri;
    }

    /**
     * Runs {@code action} on a pooled connection. When the connection turns out broken (the server
     * restarted or failed over), every idle connection is dropped too, so the caller's retry gets a
     * fresh one instead of the next stale one.
     */
    public <T> T call(Function<Jedis, T> action) {
        try (Jedis jedis = pool.getResource()) {
            return action.apply(jedis);
        } catch (JedisConnectionException e) {
            pool.clear();
            throw e;
        }
    }

    public void run(Consumer<Jedis> action) {
        call(jedis -> {
            action.accept(jedis);
            return null;
        });
    }

    /** A connection for the caller to hold (blocking reads); close it to give it back. */
    public Jedis borrow() {
        return pool.getResource();
    }

    @Override
    public void close() {
        pool.close();
    }
}
