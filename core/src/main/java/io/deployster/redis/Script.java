package io.deployster.redis;

import io.deployster.protocol.LuaVocabulary;
import io.deployster.protocol.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script of the protocol, run by its SHA and reloaded when the server lost it (a restart or
 * SCRIPT FLUSH), so callers never see NOSCRIPT. Its text is the protocol's words
 * ({@link LuaVocabulary}), the key functions ({@link Keys}), common.lua and the script itself; every
 * script opens with a header giving its KEYS, ARGV and replies, and answers {@code {code, value...}},
 * decoded into a {@link Reply}.
 */
public final class Script {
    private final String name;
    private final String source;
    private final String sha;

    private Script(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /** Loads {@code name}.lua from this package, with the words, key functions and common.lua in front. */
    public static Script load(String name, Keys keys) {
        String resource = name + ".lua";
        try (InputStream in = Script.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("script " + resource + " is missing from the classpath");
            }
            String common = LuaVocabulary.preamble(Keys.GROUP) + keys.luaPreamble() + readResource("common.lua");
            return new Script(resource, common + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readResource(String resource) throws IOException {
        try (InputStream in = Script.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs the script on a connection of {@code redis}: one round trip (two when the server lost the script).
     *
     * @param keys every key the script's header declares, in its order
     * @param args its ARGV, in the order of its header
     * @return its answer, to check with {@link Reply#expect}
     * @throws IllegalStateException when the answer is not {@code {code, ...}} with a known code
     * @throws RedisCommandException on a script error (e.g. WRONGPROJECT), naming the script
     * @throws RedisUnavailableException when Redis cannot be reached or the connection broke meanwhile
     */
    public Reply run(Redis redis, List<String> keys, List<String> args) {
        return redis.call("the script " + name, j -> run(j, keys, args));
    }

    /**
     * Runs the script on a connection the caller holds (the queue's writes that wait for replicas).
     *
     * @param keys every key the script's header declares, in its order
     * @throws IllegalStateException when the answer is not {@code {code, ...}} with a known code
     * @throws redis.clients.jedis.exceptions.JedisDataException on a script error (e.g. WRONGPROJECT), which
     *     {@link Redis#call} hands on as a {@link RedisCommandException}
     */
    public Reply run(Jedis jedis, List<String> keys, List<String> args) {
        Object raw;
        try {
            raw = jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            raw = jedis.eval(source, keys, args);
        }
        return Reply.decode(name, raw);
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
