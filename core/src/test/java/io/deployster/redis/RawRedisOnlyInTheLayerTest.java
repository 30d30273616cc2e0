package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: Redis commands are written in the Redis layer ({@code io.deployster.redis}) and the queue
 * ({@code io.deployster.queue}) only; the bench ({@code io.deployster.bench}) may measure raw commands.
 * Everywhere else code calls the layer's typed methods ({@link Redis#get}, {@link Redis#hash},
 * {@link Script#run(Redis, List, List)}, {@link LogStreams}, ...) and never sees the client library.
 * This reads the main sources of every module of the build, as a reviewer's grep would.
 */
class RawRedisOnlyInTheLayerTest {
    /** Packages (as paths under src/main/java) allowed to use the client and the lambda entry points. */
    private static final List<String> ALLOWED = List.of("io/deployster/redis/", "io/deployster/queue/", "io/deployster/bench/");

    /**
     * What gives raw access: the client's types (a method reference over the client names them too), a
     * lambda handed to call/run/callReplicated, a borrowed connection.
     */
    private static final List<Pattern> RAW = List.of(
            Pattern.compile("\\bredis\\.clients\\."),
            Pattern.compile("\\bJedis\\b"),
            Pattern.compile("\\b(call|run|callReplicated)\\(\\s*(\"[^\"]*\"\\s*,\\s*)?(Shortfall\\.\\w+\\s*,\\s*)?\\w+\\s*->"),
            Pattern.compile("\\.borrow\\(\\)"));

    @Test
    void noSourceOutsideTheRedisLayerQueueAndBenchUsesTheClientOrPassesItALambda() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sourceRoots = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).forEach(sourceRoots::add);
        }
        assertTrue(sourceRoots.contains(root.resolve("core/src/main/java")) && sourceRoots.contains(root.resolve("gateway/src/main/java")),
                "the build's modules are found from " + root + ": " + sourceRoots);
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path sources : sourceRoots) {
            List<Path> javaFiles;
            try (Stream<Path> walk = Files.walk(sources)) {
                javaFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path file : javaFiles) {
                String relative = sources.relativize(file).toString().replace('\\', '/');
                if (ALLOWED.stream().anyMatch(relative::startsWith)) {
                    continue;
                }
                files++;
                found.addAll(rawUses(root.relativize(file), file));
            }
        }
        assertTrue(files > 100, "only " + files + " source files were read");
        assertEquals(List.of(), found, "raw Redis access outside io.deployster.redis, io.deployster.queue and io.deployster.bench: "
                + "add a typed method to Redis (or LogStreams, Batch, Script) and call that instead");
    }

    @Test
    void theCheckRecognisesEachKindOfRawAccess() {
        for (String line : List.of("import redis.clients.jedis.Jedis;", "redis.call(j -> j.get(key));", "redis.run(jedis -> jedis.del(k));",
                "redis.call(\"a read\", j -> j.hgetAll(k));", "redis.callReplicated(\"x\", Shortfall.FAIL, j -> s.run(j, k, a));",
                "ctx.redis.call(Jedis::ping);", "try (var c = redis.borrow()) {")) {
            assertTrue(RAW.stream().anyMatch(p -> p.matcher(line).find()), "not recognised as raw access: " + line);
        }
        for (String line : List.of("redis.get(key);", "script.run(redis, keys, args);", "serial.run(() -> finish());", "serial.run(this::finish);", "task.call();")) {
            assertTrue(RAW.stream().noneMatch(p -> p.matcher(line).find()), "taken for raw access: " + line);
        }
    }

    private static List<String> rawUses(Path shown, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> uses = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (RAW.stream().anyMatch(p -> p.matcher(line).find())) {
                uses.add(shown + ":" + (i + 1) + ": " + line.strip());
            }
        }
        return uses;
    }
}
