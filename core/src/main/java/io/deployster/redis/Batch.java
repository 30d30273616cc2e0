package io.deployster.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Reads sent together in one round trip (a pipeline), for the operators' views and the metrics: each
 * method queues one command and returns its answer to read once the batch was sent ({@link
 * Redis#batch}). Answers are plain Java values and {@link StreamEntry} records.
 */
public final class Batch {
    private final Pipeline pipeline;
    private final String server;

    Batch(Pipeline pipeline, String server) {
        this.pipeline = pipeline;
        this.server = server;
    }

    /** The string at {@code key}; null when there is none. */
    public Supplier<String> get(String key) {
        return answer("GET " + key, pipeline.get(key));
    }

    /** Milliseconds {@code key} has left; -1 without expiry, -2 when there is no such key. */
    public Supplier<Long> pttl(String key) {
        return answer("PTTL " + key, pipeline.pttl(key));
    }

    /** Elements {@code from} to {@code to} (inclusive, 0-based; -1 the last) of the list at {@code key}. */
    public Supplier<List<String>> lrange(String key, long from, long to) {
        return answer("LRANGE " + key, pipeline.lrange(key, from, to));
    }

    /** The length of the list at {@code key}; 0 when there is none. */
    public Supplier<Long> llen(String key) {
        return answer("LLEN " + key, pipeline.llen(key));
    }

    /** The values of {@code fields} of the hash at {@code key}, in that order, null for each one missing. */
    public Supplier<List<String>> hmget(String key, String... fields) {
        return answer("HMGET " + key, pipeline.hmget(key, fields));
    }

    /** One field of the hash at {@code key}; null when missing. */
    public Supplier<String> hget(String key, String field) {
        return answer("HGET " + key, pipeline.hget(key, field));
    }

    public Supplier<Boolean> exists(String key) {
        return answer("EXISTS " + key, pipeline.exists(key));
    }

    /** The number of entries of the stream at {@code key}; 0 when there is none. */
    public Supplier<Long> xlen(String key) {
        return answer("XLEN " + key, pipeline.xlen(key));
    }

    /** The first {@code count} entries of the stream at {@code key}, oldest first; empty when there is none. */
    public Supplier<List<StreamEntry>> head(String key, int count) {
        Supplier<List<redis.clients.jedis.resps.StreamEntry>> raw = answer("XRANGE " + key,
                pipeline.xrange(key, (StreamEntryID) null, (StreamEntryID) null, count));
        return () -> {
            List<StreamEntry> entries = new ArrayList<>();
            for (redis.clients.jedis.resps.StreamEntry e : raw.get()) {
                entries.add(new StreamEntry(new StreamId(e.getID().getTime(), e.getID().getSequence()), e.getFields()));
            }
            return entries;
        };
    }

    /** Entries of the stream at {@code key} read by consumers of {@code group} and not acknowledged yet; 0 without that group. */
    public Supplier<Long> pending(String key, String group) {
        Supplier<List<StreamGroupInfo>> groups = answer("XINFO GROUPS " + key, pipeline.xinfoGroups(key));
        return () -> groups.get().stream().filter(g -> group.equals(g.getName())).mapToLong(StreamGroupInfo::getPending).sum();
    }

    private <T> Supplier<T> answer(String what, Response<T> response) {
        return () -> {
            try {
                return response.get();
            } catch (JedisDataException e) {
                throw new RedisCommandException(what, server, e);
            }
        };
    }
}
