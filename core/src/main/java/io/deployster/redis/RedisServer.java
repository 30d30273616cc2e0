package io.deployster.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real redis-server process this program starts and stops itself, for the demo, the benchmark and
 * the tests. The binary is the one named by DEPLOYSTER_REDIS_SERVER, else redis-server on PATH, else
 * the 7.0 binary shipped by the embedded-redis artifact when it is on the classpath.
 */
public final class RedisServer implements AutoCloseable {
    private static final String BUNDLED_VERSION = "7.0.15";

    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a server on a free loopback port keeping its files in {@code dir}. */
    public static RedisServer start(Path dir, String... extraConfig) throws IOException {
        return start(dir, freePort(), extraConfig);
    }

    /** Starts a server on {@code port}; pass {@code "--appendonly", "yes"} and the like as extra config. */
    public static RedisServer start(Path dir, int port, String... extraConfig) throws IOException {
        Files.createDirectories(dir);
        List<String> argv = new ArrayList<>(List.of(binary(dir).toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--protected-mode", "yes", "--logfile", "redis.log"));
        argv.addAll(List.of(extraConfig));
        Process process = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        RedisServer server = new RedisServer(process, port, dir);
        server.awaitReady();
        return server;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + " on start; see " + dir.resolve("redis.log"));
            }
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port),
                    DefaultJedisClientConfig.builder().timeoutMillis(500).autoNegotiateProtocol(false).build())) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (JedisDataException answered) {
                return; // NOAUTH and the like: the server is up, it just wants credentials
            } catch (RuntimeException notYet) {
                // still starting
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server to start");
            }
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer on port " + port + " within 15 s; see " + dir.resolve("redis.log"));
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Path binary(Path dir) throws IOException {
        String configured = System.getenv("DEPLOYSTER_REDIS_SERVER");
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                Path candidate = Path.of(entry, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String resource = "/redis-server-" + BUNDLED_VERSION + "-" + platform();
        try (InputStream in = RedisServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no redis-server found: install one (Debian: apt-get install -y redis-server), "
                        + "put it on PATH, or set DEPLOYSTER_REDIS_SERVER to its path");
            }
            Path target = dir.resolve("redis-server");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            if (!target.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + target + " executable");
            }
            return target;
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch");
        String cpu = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> "386";
        };
        return os + "-" + cpu;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
