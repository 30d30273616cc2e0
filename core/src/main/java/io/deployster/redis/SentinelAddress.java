package io.deployster.redis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * A primary found through Redis Sentinel: redis-sentinel://[user:password@]s1[:26379],s2,s3/MASTERNAME[?db=N].
 * Replication and failover stay Sentinel's; Jedis asks the sentinels where the primary is, listens
 * for their +switch-master and points the pool at the new primary, so every caller of {@link Redis}
 * reconnects by itself.
 *
 * @param database the database on the primary (0 by default)
 * @param authSentinels true (sentinel-auth=yes) when the sentinels need the same user and password as
 *     the data nodes; by default they are sent none, as sentinels usually have no password
 */
public record SentinelAddress(List<HostAndPort> sentinels, String master, int database, boolean authSentinels) {
    public static final int DEFAULT_PORT = 26379;
    static final String AUTH_PARAM = "sentinel-auth";

    static SentinelAddress parse(RedisUri uri) {
        String where = "Sentinel URI '" + uri + "'";
        String hosts = uri.hosts();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException(where + " names no sentinel; " + RedisUri.ALLOWED);
        }
        List<HostAndPort> sentinels = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            sentinels.add(hostAndPort(where, host));
        }
        if (new LinkedHashSet<>(sentinels).size() != sentinels.size()) {
            throw new IllegalArgumentException(where + " names a sentinel twice: '" + hosts + "'; list each sentinel once");
        }
        String path = uri.uri().getPath();
        String master = path == null || path.length() <= 1 ? "" : path.substring(1);
        if (!master.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(where + " has master name '" + master + "'; give the name the sentinels monitor "
                    + "(sentinel monitor NAME ...) after the hosts, e.g. /mymaster: 1 to 100 of A-Z a-z 0-9 . _ -");
        }
        Map<String, String> query = uri.query();
        int db = 0;
        String dbText = query.get("db");
        if (dbText != null) {
            if (!dbText.matches("\\d{1,2}")) {
                throw new IllegalArgumentException(where + " has db '" + dbText + "'; the database is a number, e.g. ?db=0");
            }
            db = Integer.parseInt(dbText);
        }
        String auth = query.getOrDefault(AUTH_PARAM, "no");
        if (!auth.equals("yes") && !auth.equals("no")) {
            throw new IllegalArgumentException(where + " has " + AUTH_PARAM + " '" + auth + "'; use yes (the sentinels need the "
                    + "same user and password as the primary) or no (the default: they need none)");
        }
        return new SentinelAddress(List.copyOf(sentinels), master, db, auth.equals("yes"));
    }

    private static HostAndPort hostAndPort(String where, String text) {
        String host = text;
        int port = DEFAULT_PORT;
        int colon = text.lastIndexOf(':');
        if (colon >= 0 && colon > text.lastIndexOf(']')) {
            host = text.substring(0, colon);
            String portText = text.substring(colon + 1);
            if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw new IllegalArgumentException(where + " has sentinel port '" + portText + "' in '" + text
                        + "'; a port is a number from 1 to 65535 (" + DEFAULT_PORT + " when left out)");
            }
            port = Integer.parseInt(portText);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[A-Za-z0-9._:-]{1,253}")) {
            throw new IllegalArgumentException(where + " has sentinel host '" + host + "'; list the sentinels as "
                    + "host[:port] separated by commas, e.g. s1:26379,s2:26379,s3:26379");
        }
        return new HostAndPort(host, port);
    }

    /**
     * A pool of connections to the current primary.
     *
     * @throws JedisConnectionException when no sentinel answers, naming them
     * @throws IllegalArgumentException when the sentinels answer but do not monitor {@link #master}
     */
    Pool<Jedis> pool(GenericObjectPoolConfig<Jedis> poolConfig, JedisClientConfig primary, JedisClientConfig sentinel) {
        try {
            return new JedisSentinelPool(master, new LinkedHashSet<>(sentinels), poolConfig, primary, sentinel);
        } catch (JedisConnectionException e) {
            throw new JedisConnectionException("no sentinel of " + sentinels + " answered where primary '" + master + "' is ("
                    + e.getMessage() + ")", e);
        } catch (JedisException e) {
            throw new IllegalArgumentException("the sentinels " + sentinels + " answer but do not know primary '" + master
                    + "': check the name after the hosts in the URI against 'sentinel monitor NAME ...' (" + e.getMessage() + ")", e);
        }
    }
}
