package io.deployster.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.args.RawableFactory;
import redis.clients.jedis.args.UnblockType;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;

/**
 * Every command on job log streams (docs/protocol.md, "Log stream"), so the log package issues none
 * itself: appending a running job's entries, reading a page, blocking reads over many streams on a
 * held {@link Connection}, and the console multiplexer's record-and-read round trip. Stream keys come
 * from {@link Keys}, field and event names from {@code io.deployster.protocol}; entries come back as
 * {@link StreamEntry} records, or, from the multiplexer's round trip, as the caller's own type made
 * straight from the reply (an {@link EntryMaker}, ids as text).
 *
 * <p>Errors: {@link RedisUnavailableException} when Redis cannot be reached or a connection broke,
 * {@link RedisCommandException} when Redis refused a command; never the client library's types.
 */
public final class LogStreams {
    /** Makes the caller's entry from a stream entry's id ({@code MILLIS-SEQUENCE}) and its fields (an immutable map). */
    @FunctionalInterface
    public interface EntryMaker<T> {
        T make(String id, Map<String, String> fields);
    }

    private final Redis redis;

    public LogStreams(Redis redis) {
        this.redis = redis;
    }

    /**
     * Appends {@code entries} in one pipelined round trip, entry {@code i} with the explicit id
     * {@code idMillis-(firstSequence + i)} ({@code XADD key MAXLEN ~ maxLen ID fields...}), then, with
     * {@link Redis#durability()} asked for, waits on the same connection for the replicas (WAIT). An id
     * the stream has already (written by an attempt whose answer was lost, or after the job was ended for
     * its worker) is skipped, so sending a batch again never writes an entry twice.
     *
     * @param maxLen the stream's length cap, approximate (Redis trims whole nodes)
     * @throws RedisUnavailableException when the connection failed: some entries may be written; send them again
     * @throws RedisCommandException when Redis refused an entry for another reason
     */
    public void append(String key, long idMillis, long firstSequence, List<Map<String, String>> entries, long maxLen) {
        try (Jedis jedis = redis.borrow()) {
            Pipeline pipeline = jedis.pipelined();
            List<Response<StreamEntryID>> replies = new ArrayList<>(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                XAddParams params = XAddParams.xAddParams().id(idMillis, firstSequence + i).maxLen(maxLen).approximateTrimming();
                replies.add(pipeline.xadd(key, params, entries.get(i)));
            }
            pipeline.sync();
            for (Response<StreamEntryID> reply : replies) {
                try {
                    reply.get();
                } catch (JedisDataException e) {
                    if (e.getMessage() == null || !e.getMessage().contains("equal or smaller")) {
                        throw new RedisCommandException("log entries for " + key, redis.uri().toString(), e);
                    }
                }
            }
            redis.durability().await(jedis);
        } catch (JedisConnectionException e) {
            throw redis.unavailable(e);
        }
    }

    /**
     * Appends one entry with an id Redis gives it ({@code XADD key * fields...}): for writers that are not
     * the job's worker (a workflow's coordinator), whose entries need no numbering of their own.
     *
     * @return the new entry's id
     */
    public String add(String key, Map<String, String> fields) {
        return redis.call("an entry for " + key, j -> j.xadd(key, StreamEntryID.NEW_ENTRY, fields)).toString();
    }

    /**
     * At most {@code max} entries after {@code afterId} that the stream has now, oldest first, without
     * waiting ({@code XRANGE key (afterId + COUNT max}).
     *
     * @param afterId an entry id ({@code MILLIS-SEQUENCE}); {@code 0-0} for the beginning
     * @return empty when there are none (or no such stream)
     */
    public List<StreamEntry> range(String key, String afterId, int max) {
        List<redis.clients.jedis.resps.StreamEntry> entries = redis.call("a read of " + key, j -> j.xrange(key, "(" + afterId, "+", max));
        List<StreamEntry> result = new ArrayList<>(entries.size());
        for (redis.clients.jedis.resps.StreamEntry e : entries) {
            result.add(entry(e));
        }
        return result;
    }

    // the id from the client's numbers: no text to parse
    private static StreamEntry entry(redis.clients.jedis.resps.StreamEntry e) {
        return new StreamEntry(new StreamId(e.getID().getTime(), e.getID().getSequence()), e.getFields());
    }

    /**
     * Ends the blocking read of connection {@code clientId} now, as if its block had timed out
     * ({@code CLIENT UNBLOCK id TIMEOUT}): it answers what it has, without an error.
     *
     * @return true when that connection was blocked and is not any more
     */
    public boolean unblock(long clientId) {
        return redis.call("CLIENT UNBLOCK", j -> j.clientUnblock(clientId, UnblockType.TIMEOUT)) == 1;
    }

    /**
     * A pooled connection held for blocking reads (a reader thread's); close it to give it back. After
     * it threw {@link RedisUnavailableException} it is broken: close it and open another.
     *
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public Connection open() {
        try {
            return new Connection(redis.borrow());
        } catch (JedisConnectionException e) {
            throw redis.unavailable(e);
        }
    }

    /** An argument encoded once for {@link Connection#recordAndRead}, sent as it is by every round trip that names it. */
    public static final class Arg {
        private final Rawable raw;

        private Arg(Rawable raw) {
            this.raw = raw;
        }

        public static Arg of(String text) {
            return new Arg(RawableFactory.from(text));
        }

        public static Arg of(long number) {
            return new Arg(RawableFactory.from(number));
        }
    }

    /** A blocking read's {@code COUNT n BLOCK ms}, encoded once. */
    public static final class ReadOptions {
        private final List<Rawable> raw;

        /**
         * @param count most entries per stream per read
         * @param blockMillis how long a read waits for an entry; at most the connections' read timeout (10 s) minus a margin
         */
        public ReadOptions(int count, int blockMillis) {
            this.raw = List.of(Protocol.Keyword.COUNT, RawableFactory.from(count), Protocol.Keyword.BLOCK, RawableFactory.from(blockMillis),
                    Protocol.Keyword.STREAMS);
        }
    }

    /** {@code SETEX key seconds value}: a position to record in front of a read. */
    public record Setex(Arg key, Arg seconds, Arg value) {
    }

    /**
     * What one {@link Connection#recordAndRead} brought back.
     *
     * @param refused per write, in order: null when it was done, else Redis' error text (a replica, a full Redis)
     * @param entries stream key to its new entries, oldest first; null when the block ended without any or there was no read
     */
    public record RoundTrip<T>(List<String> refused, Map<String, List<T>> entries) {
    }

    /** A held connection; not thread-safe, except that another thread may {@link #unblock} its read by {@link #clientId()}. */
    public final class Connection implements AutoCloseable {
        private final Jedis jedis;

        private Connection(Jedis jedis) {
            this.jedis = jedis;
        }

        /** This connection's id, for {@link LogStreams#unblock} from another connection. */
        public long clientId() {
            try {
                return jedis.clientId();
            } catch (JedisConnectionException e) {
                throw redis.unavailable(e);
            }
        }

        /**
         * Waits up to {@code blockMillis} for entries after the given id of each stream and returns those
         * of the streams that have some ({@code XREAD COUNT count BLOCK ms STREAMS key... id...}).
         *
         * @param after stream key to the id of the last entry already read ({@code 0-0} for none), in the read's order
         * @return stream key to its new entries (at most {@code count}), oldest first; empty when the wait ended without any
         */
        public Map<String, List<StreamEntry>> read(Map<String, String> after, int count, int blockMillis) {
            Map<String, StreamEntryID> streams = new LinkedHashMap<>();
            after.forEach((key, id) -> streams.put(key, new StreamEntryID(id)));
            List<Map.Entry<String, List<redis.clients.jedis.resps.StreamEntry>>> reply;
            try {
                reply = jedis.xread(XReadParams.xReadParams().count(count).block(blockMillis), streams);
            } catch (JedisConnectionException e) {
                throw redis.unavailable(e);
            } catch (JedisDataException e) {
                throw new RedisCommandException("a read of " + streams.size() + " log stream(s)", redis.uri().toString(), e);
            }
            Map<String, List<StreamEntry>> result = new LinkedHashMap<>();
            if (reply != null) {
                for (Map.Entry<String, List<redis.clients.jedis.resps.StreamEntry>> stream : reply) {
                    List<StreamEntry> entries = new ArrayList<>(stream.getValue().size());
                    for (redis.clients.jedis.resps.StreamEntry e : stream.getValue()) {
                        entries.add(entry(e));
                    }
                    result.put(stream.getKey(), entries);
                }
            }
            return result;
        }

        /** The keys among {@code keys} that do not exist (expired or never there), in one pipelined round trip of EXISTS. */
        public List<String> missing(Collection<String> keys) {
            try {
                Pipeline p = jedis.pipelined();
                Map<String, Response<Boolean>> replies = new LinkedHashMap<>();
                for (String key : keys) {
                    replies.put(key, p.exists(key));
                }
                p.sync();
                List<String> gone = new ArrayList<>();
                replies.forEach((key, exists) -> {
                    if (!exists.get()) {
                        gone.add(key);
                    }
                });
                return gone;
            } catch (JedisConnectionException e) {
                throw redis.unavailable(e);
            }
        }

        /**
         * The last entry of each of {@code keys} that has one ({@code XREVRANGE key + - COUNT 1} each, in
         * one pipelined round trip).
         *
         * @return stream key to its newest entry; a key without entries (or no such stream) is left out
         */
        public Map<String, StreamEntry> lastEntries(Collection<String> keys) {
            try {
                Pipeline p = jedis.pipelined();
                Map<String, Response<List<redis.clients.jedis.resps.StreamEntry>>> replies = new LinkedHashMap<>();
                for (String key : keys) {
                    replies.put(key, p.xrevrange(key, "+", "-", 1));
                }
                p.sync();
                Map<String, StreamEntry> last = new LinkedHashMap<>();
                replies.forEach((key, reply) -> {
                    List<redis.clients.jedis.resps.StreamEntry> entries = reply.get();
                    if (!entries.isEmpty()) {
                        last.put(key, entry(entries.get(0)));
                    }
                });
                return last;
            } catch (JedisConnectionException e) {
                throw redis.unavailable(e);
            }
        }

        /**
         * One pipelined round trip: the {@code writes}, then, when {@code streamKeys} is not empty, the
         * blocking read {@code XREAD COUNT n BLOCK ms STREAMS key... id...} of each stream after its id.
         * The arguments go out as encoded (no copy per read) and the reply (RESP2) is parsed straight into
         * the caller's entries: with 1,000 streams both halve the client's work per read
         * (docs/benchmarks.md, controller-follow). A write Redis refuses does not stop the read.
         *
         * @param streamKeys the streams' keys, each with its id at the same place in {@code afterIds}
         * @throws RedisUnavailableException when the connection failed; none, some or all writes may be done
         */
        public <T> RoundTrip<T> recordAndRead(List<Setex> writes, ReadOptions options, List<Arg> streamKeys, List<Arg> afterIds,
                                              EntryMaker<T> maker) {
            try {
                // one pipeline even for the read alone: it is how a CommandArguments of ready-made arguments is sent;
                // the pool's read timeout (10 s) is well above the block, so a hung Redis still shows as an outage
                Pipeline pipeline = jedis.pipelined();
                List<Response<Object>> replies = new ArrayList<>(writes.size());
                for (Setex w : writes) {
                    replies.add(pipeline.sendCommand(new CommandArguments(Protocol.Command.SETEX).add(w.key().raw).add(w.seconds().raw)
                            .add(w.value().raw)));
                }
                Response<Object> read = null;
                if (!streamKeys.isEmpty()) {
                    CommandArguments args = new CommandArguments(Protocol.Command.XREAD);
                    options.raw.forEach(args::add);
                    for (Arg key : streamKeys) {
                        args.add(key.raw);
                    }
                    for (Arg id : afterIds) {
                        args.add(id.raw);
                    }
                    read = pipeline.sendCommand(args);
                }
                pipeline.sync();
                List<String> refused = new ArrayList<>(replies.size());
                for (Response<Object> reply : replies) {
                    try {
                        reply.get();
                        refused.add(null);
                    } catch (JedisDataException e) {
                        refused.add(String.valueOf(e.getMessage()));
                    }
                }
                Map<String, List<T>> entries;
                try {
                    entries = read == null ? null : parse(read.get(), maker);
                } catch (JedisDataException e) {
                    throw new RedisCommandException("a read of " + streamKeys.size() + " log stream(s)", redis.uri().toString(), e);
                }
                return new RoundTrip<>(refused, entries);
            } catch (JedisConnectionException e) {
                throw redis.unavailable(e);
            }
        }

        @Override
        public void close() {
            try {
                jedis.close();
            } catch (JedisException e) {
                // a broken connection is destroyed first; what failed is making a fresh one in its place, which
                // the next open() does (or reports) itself
            }
        }
    }

    /**
     * The XREAD reply (RESP2): null when the block timed out, else per stream {@code [key, [[id, [field,
     * value, ...]], ...]]}. Keyed by stream key.
     */
    private static <T> Map<String, List<T>> parse(Object reply, EntryMaker<T> maker) {
        if (reply == null) {
            return null;
        }
        Map<String, List<T>> got = new HashMap<>();
        for (Object s : (List<?>) reply) {
            List<?> stream = (List<?>) s;
            List<?> entries = (List<?>) stream.get(1);
            List<T> parsed = new ArrayList<>(entries.size());
            for (Object e : entries) {
                List<?> entry = (List<?>) e;
                List<?> pairs = (List<?>) entry.get(1);
                int n = pairs == null ? 0 : pairs.size() / 2;
                @SuppressWarnings("unchecked")
                Map.Entry<String, String>[] fields = new Map.Entry[n];
                for (int i = 0; i < n; i++) {
                    fields[i] = Map.entry(text(pairs.get(2 * i)), text(pairs.get(2 * i + 1)));
                }
                parsed.add(maker.make(new String((byte[]) entry.get(0), StandardCharsets.US_ASCII), fieldMap(fields)));
            }
            got.put(text(stream.get(0)), parsed);
        }
        return got;
    }

    /** An immutable map, which a record can keep as it is; a field written twice (XADD allows it) keeps its last value. */
    private static Map<String, String> fieldMap(Map.Entry<String, String>[] fields) {
        try {
            return Map.ofEntries(fields);
        } catch (IllegalArgumentException duplicate) {
            Map<String, String> last = new HashMap<>();
            for (Map.Entry<String, String> f : fields) {
                last.put(f.getKey(), f.getValue());
            }
            return Map.copyOf(last);
        }
    }

    private static String text(Object bulk) {
        return new String((byte[]) bulk, StandardCharsets.UTF_8);
    }
}
