package io.deployster.redis;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisURIHelper;
import redis.clients.jedis.util.Pool;

/**
 * A pool of connections to one Redis server, or to the current primary of a Sentinel-monitored one
 * (redis-sentinel://, see {@link SentinelAddress}). Blocking readers (followers, the worker's queue
 * reader) hold a connection for the whole block, so the pool is sized for them.
 */
public final class Redis implements AutoCloseable {
    /** Blocking reads wait at most this long so a reader notices shutdown and lost connections. */
    public static final int BLOCK_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(Redis.class.getName());

    private final RedisUri uri;
    private final Pool<Jedis> pool;
    private final Durability durability;

    public Redis(RedisUri uri, int maxConnections) {
        this(uri, maxConnections, null);
    }

    /**
     * @param caFile PEM file of the CA that signed the server's certificate (rediss:// only); null
     *     to trust the JVM's default CAs
     */
    public Redis(RedisUri uri, int maxConnections, Path caFile) {
        this(uri, maxConnections, caFile, uri.durability());
    }

    /**
     * @param durability replicas that must confirm the writes that must survive a failover (see
     *     {@link #callReplicated}); {@link Durability#NONE} to wait for none
     */
    public Redis(RedisUri uri, int maxConnections, Path caFile, Durability durability) {
        this(uri, maxConnections, caFile, durability, "deployster");
    }

    /** @param clientName the name CLIENT LIST shows for these connections (lets a bench or an admin count them) */
    public Redis(RedisUri uri, int maxConnections, Path caFile, String clientName) {
        this(uri, maxConnections, caFile, uri.durability(), clientName);
    }

    private Redis(RedisUri uri, int maxConnections, Path caFile, Durability durability, String clientName) {
        this.uri = uri;
        this.durability = durability;
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(maxConnections);
        poolConfig.setMaxIdle(maxConnections);
        poolConfig.setJmxEnabled(false);
        if (caFile != null && !uri.tls()) {
            throw new IllegalArgumentException("a Redis CA file (" + caFile + ") only applies to rediss:// and rediss-sentinel:// URIs, not " + uri);
        }
        if (uri.sentinel()) {
            SentinelAddress sentinel = uri.sentinelAddress();
            // the sentinels get the same TLS, and the credentials only when they need them (sentinel-auth=yes);
            // no read timeout, as the pool's +switch-master listeners wait on them for as long as the primary lives
            try {
                this.pool = sentinel.pool(poolConfig, clientConfig(uri, caFile, true, sentinel.database(), 10_000, clientName),
                        clientConfig(uri, caFile, sentinel.authSentinels(), 0, 0, clientName));
            } catch (JedisConnectionException e) {
                throw new RedisUnavailableException(uri.toString(), e);
            }
        } else {
            int db = JedisURIHelper.hasDbIndex(uri.uri()) ? JedisURIHelper.getDBIndex(uri.uri()) : 0;
            this.pool = new JedisPool(poolConfig, JedisURIHelper.getHostAndPort(uri.uri()), clientConfig(uri, caFile, true, db, 10_000, clientName));
        }
    }

    private static DefaultJedisClientConfig clientConfig(RedisUri uri, Path caFile, boolean credentials, int database, int readTimeoutMillis,
                                                        String clientName) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(5000)
                .socketTimeoutMillis(readTimeoutMillis)
                .blockingSocketTimeoutMillis(readTimeoutMillis == 0 ? 0 : BLOCK_MILLIS + readTimeoutMillis)
                .ssl(uri.tls())
                .sslParameters(verifyHostName())
                .clientName(clientName)
                .autoNegotiateProtocol(false)
                .database(database);
        if (credentials && uri.user() != null) {
            client.user(uri.user());
        }
        if (credentials && uri.password() != null) {
            client.password(uri.password());
        }
        if (caFile != null) {
            client.sslSocketFactory(Tls.trusting(caFile));
        }
        return client.build();
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
     *
     * <p>For the Redis layer, the queue and the bench only ({@code RawRedisOnlyInTheLayerTest} fails when other
     * code calls it): the rest use the typed methods ({@link #get}, {@link #hash}, {@link #members}, ...), which
     * keep the client's types out of their code.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis answered with an error (inside {@code action} it is the client's
     *     own, for the layer's code that handles some, e.g. BUSYGROUP)
     */
    public <T> T call(Function<Jedis, T> action) {
        return call("a command", action);
    }

    /** As {@link #call(Function)}; {@code what} names the command in a refusal's message, e.g. "a read of log:{x}". */
    <T> T call(String what, Function<Jedis, T> action) {
        try (Jedis jedis = pool.getResource()) {
            return action.apply(jedis);
        } catch (JedisConnectionException e) {
            throw unavailable(e);
        } catch (JedisDataException e) {
            throw new RedisCommandException(what, uri.toString(), e);
        }
    }

    /**
     * A broken connection in our words; drops the idle connections, which are most likely broken too.
     * For the layer's classes that hold a connection themselves ({@link LogStreams}).
     */
    RedisUnavailableException unavailable(JedisConnectionException e) {
        pool.clear();
        return new RedisUnavailableException(uri.toString(), e);
    }

    /** The replicas the writes passed to {@link #callReplicated} wait for. */
    public Durability durability() {
        return durability;
    }

    /** What to do when fewer replicas than required confirm a write in time. */
    public enum Shortfall {
        /** throw {@link NotReplicatedException}: the caller tells its user (a producer's submit or cancel) */
        FAIL,
        /** log a warning and go on: the write happened and the caller cannot take it back (a worker's start or finish) */
        WARN
    }

    /**
     * Runs a write that must survive a failover, then waits on the same connection until the
     * {@link #durability()}'s replicas have it (Redis WAIT). Without durability this is {@link #call}. For the
     * queue's writes, like {@code call}.
     *
     * @param what the write, for messages, e.g. "the submit of job X"
     * @throws NotReplicatedException with {@link Shortfall#FAIL} when too few replicas confirmed in time
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     */
    public <T> T callReplicated(String what, Shortfall shortfall, Function<Jedis, T> action) {
        return callReplicated(what, shortfall, action, result -> true);
    }

    /** As {@link #callReplicated(String, Shortfall, Function)}, waiting only when {@code wrote} says the action changed something. */
    public <T> T callReplicated(String what, Shortfall shortfall, Function<Jedis, T> action, Predicate<T> wrote) {
        long[] acked = {Long.MAX_VALUE};
        T result = call(jedis -> {
            T value = action.apply(jedis);
            if (durability.waits() && wrote.test(value)) {
                acked[0] = durability.await(jedis);
            }
            return value;
        });
        if (acked[0] < durability.minReplicas()) {
            NotReplicatedException e = new NotReplicatedException(what, acked[0], durability);
            if (shortfall == Shortfall.FAIL) {
                throw e;
            }
            LOG.log(Level.WARNING, e.getMessage());
        }
        return result;
    }

    /**
     * Sends the reads {@code reads} queues in one round trip and returns what its result builds from the
     * answers: {@code reads} queues them on the {@link Batch} and returns how to build the result, which
     * runs once the answers are in.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused one of the reads
     */
    public <T> T batch(Function<Batch, Supplier<T>> reads) {
        return call(j -> {
            Pipeline p = j.pipelined();
            Supplier<T> result = reads.apply(new Batch(p, uri.toString()));
            p.sync();
            return result.get();
        });
    }

    /**
     * Every key matching {@code pattern} of the given type ("hash", "stream", "string", ...), read with
     * SCAN in pages of 1,000 (never KEYS, which would hold up every other client of Redis meanwhile).
     */
    public List<String> scan(String pattern, String type) {
        return call(j -> {
            List<String> found = new ArrayList<>();
            ScanParams params = new ScanParams().match(pattern).count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, params, type);
                found.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return found;
        });
    }

    /**
     * Puts {@code value} at the head of the list {@code key} and drops all but its first {@code max}
     * values, in one round trip (LPUSH, LTRIM pipelined): the newest {@code max} values, newest first.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     */
    public void pushCapped(String key, String value, int max) {
        run(j -> {
            Pipeline p = j.pipelined();
            p.lpush(key, value);
            p.ltrim(key, 0, max - 1L);
            p.sync();
        });
    }

    /**
     * Sets {@code key} to {@code value} for {@code ttlMillis} ms unless it exists (SET NX PX): a lease
     * only one holder gets.
     *
     * @return true when this call set it, false when the key was there already
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     */
    public boolean setIfAbsent(String key, String value, long ttlMillis) {
        return "OK".equals(call(j -> j.set(key, value, SetParams.setParams().nx().px(ttlMillis))));
    }

    /**
     * The string value of {@code key} (GET).
     *
     * @return the value, or null when the key does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE: {@code key} is not a string)
     */
    public String get(String key) {
        return call("GET " + key, j -> j.get(key));
    }

    /**
     * The time {@code key} has left to live, in whole seconds (TTL).
     *
     * @return the seconds left; -1 when the key never expires, -2 when it does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     */
    public long secondsToLive(String key) {
        return call("TTL " + key, j -> j.ttl(key));
    }

    /**
     * Every field of the hash {@code key} with its value (HGETALL).
     *
     * @return field to value; empty when the key does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE: {@code key} is not a hash)
     */
    public Map<String, String> hash(String key) {
        return call("HGETALL " + key, j -> j.hgetAll(key));
    }

    /**
     * One field of the hash {@code key} (HGET).
     *
     * @return its value, or null when the field or the key does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE)
     */
    public String hashField(String key, String field) {
        return call("HGET " + key, j -> j.hget(key, field));
    }

    /**
     * Some fields of the hash {@code key}, in one command (HMGET).
     *
     * @return one value per field, in the order of {@code fields}, null for a field (or key) that does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE)
     */
    public List<String> hashFields(String key, String... fields) {
        return call("HMGET " + key, j -> j.hmget(key, fields));
    }

    /**
     * Sets one field of the hash {@code key} (HSET), creating the hash when needed; its TTL is left as it is.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. NOPERM for a read-only ACL user)
     */
    public void setHashField(String key, String field, String value) {
        call("HSET " + key, j -> j.hset(key, field, value));
    }

    /**
     * The members of the set {@code key} (SMEMBERS), in no particular order.
     *
     * @return the members; empty when the key does not exist
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE)
     */
    public Set<String> members(String key) {
        return call("SMEMBERS " + key, j -> j.smembers(key));
    }

    /**
     * Takes {@code member} out of the set {@code key} (SREM); nothing happens when it is not in it.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it
     */
    public void removeMember(String key, String member) {
        call("SREM " + key, j -> j.srem(key, member));
    }

    /**
     * The values of the list {@code key} from index {@code from} to {@code to}, both included, head first
     * (LRANGE; negative indexes count from the tail, -1 being the last).
     *
     * @return the values; empty when the key does not exist or the range is past its end
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. WRONGTYPE)
     */
    public List<String> list(String key, long from, long to) {
        return call("LRANGE " + key, j -> j.lrange(key, from, to));
    }

    /**
     * Counts one more in the counter {@code key} (INCR); the count that creates it also sets it to expire
     * in {@code windowSeconds} (EXPIRE), so the count covers a fixed window from its first increment. One
     * round trip, two for the first increment of a window.
     *
     * @return the count after this increment
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it (e.g. the value is not an integer)
     */
    public long countInWindow(String key, long windowSeconds) {
        return call("INCR/EXPIRE " + key, j -> {
            long n = j.incr(key);
            if (n == 1) {
                j.expire(key, windowSeconds);
            }
            return n;
        });
    }

    /**
     * Sets {@code key} to {@code value} for as long as {@code lifeOf} has left to live (PTTL, then PSETEX on
     * the same connection: two round trips), or for {@code fallbackMillis} ms when {@code lifeOf} does not
     * exist or never expires: a record that goes when the thing it is about goes.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     * @throws RedisCommandException when Redis refused it
     */
    public void setForLifeOf(String key, String value, String lifeOf, long fallbackMillis) {
        call("PTTL " + lifeOf + "/PSETEX " + key, j -> {
            long ttl = j.pttl(lifeOf);
            return j.psetex(key, ttl > 0 ? ttl : fallbackMillis, value);
        });
    }

    /**
     * As {@link #call(Function)}, returning nothing. Like {@code call} and {@link #borrow}, for the Redis layer,
     * the queue and the bench only ({@code RawRedisOnlyInTheLayerTest}): the rest use the typed methods above.
     */
    public void run(Consumer<Jedis> action) {
        call(jedis -> {
            action.accept(jedis);
            return null;
        });
    }

    /**
     * A connection for the caller to hold (blocking reads); close it to give it back. For the Redis
     * layer ({@link LogStreams}, the queue's listeners) and the bench only ({@code RawRedisOnlyInTheLayerTest}): its
     * errors are the client's own.
     */
    public Jedis borrow() {
        return pool.getResource();
    }

    @Override
    public void close() {
        pool.close();
    }
}
