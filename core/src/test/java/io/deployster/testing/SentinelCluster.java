package io.deployster.testing;

import io.deployster.redis.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real Sentinel deployment on loopback: a primary, one replica and three sentinels (quorum 2), as
 * Debian's redis-server and redis-sentinel run them. Sentinel notices a dead primary after
 * {@link #DOWN_AFTER}, so a failover takes a few seconds.
 */
public final class SentinelCluster implements AutoCloseable {
    public static final String MASTER = "deployster";
    public static final Duration DOWN_AFTER = Duration.ofMillis(1000);
    private static final DefaultJedisClientConfig PROBE = DefaultJedisClientConfig.builder().timeoutMillis(500)
            .autoNegotiateProtocol(false).build();

    private final Path dir;
    private final String[] redisConfig;
    private final RedisServer primary;
    private final RedisServer replica;
    private RedisServer restarted;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    private SentinelCluster(Path dir, String[] redisConfig, RedisServer primary, RedisServer replica) {
        this.dir = dir;
        this.redisConfig = redisConfig;
        this.primary = primary;
        this.replica = replica;
    }

    /**
     * Starts everything in {@code dir} and returns once the replica is in sync and every sentinel
     * knows the replica and the two other sentinels, so a failover can happen from then on.
     *
     * @param redisConfig extra redis-server settings for primary and replica alike
     */
    public static SentinelCluster start(Path dir, String... redisConfig) throws IOException {
        Tools.require("redis-sentinel", "Debian: apt-get install -y redis-sentinel");
        RedisServer primary = RedisServer.start(dir.resolve("primary"), redisConfig);
        List<String> replicaConfig = new ArrayList<>(List.of(redisConfig));
        replicaConfig.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
        RedisServer replica = RedisServer.start(dir.resolve("replica"), replicaConfig.toArray(String[]::new));
        SentinelCluster cluster = new SentinelCluster(dir, redisConfig, primary, replica);
        try {
            for (int i = 1; i <= 3; i++) {
                cluster.startSentinel(dir.resolve("sentinel-" + i));
            }
            cluster.awaitReady();
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startSentinel(Path home) throws IOException {
        Files.createDirectories(home);
        int port = freePort();
        // sentinel rewrites its config file with what it learns, so each gets its own, writable one
        Path conf = home.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + home,
                "logfile sentinel.log",
                "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER.toMillis(),
                "sentinel failover-timeout " + MASTER + " 10000",
                "sentinel parallel-syncs " + MASTER + " 1",
                ""));
        Process p = new ProcessBuilder("redis-sentinel", conf.toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("sentinel.out").toFile()).start();
        sentinels.add(p);
        sentinelPorts.add(port);
    }

    private void awaitReady() {
        Await.until("replica in sync with the primary (see " + dir + ")", Duration.ofSeconds(30),
                () -> info(replica.port(), "replication").contains("master_link_status:up"));
        for (int port : sentinelPorts) {
            Await.until("sentinel on port " + port + " knows the replica and the 2 other sentinels (see " + dir + ")",
                    Duration.ofSeconds(30), () -> {
                        try (Jedis s = new Jedis(new HostAndPort("127.0.0.1", port), PROBE)) {
                            return s.sentinelReplicas(MASTER).size() == 1 && s.sentinelSentinels(MASTER).size() == 2;
                        } catch (RuntimeException notYet) {
                            return false;
                        }
                    });
        }
    }

    /** redis-sentinel://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/deployster, plus {@code query} when not empty. */
    public String uri(String query) {
        StringBuilder b = new StringBuilder("redis-sentinel://");
        for (int i = 0; i < sentinelPorts.size(); i++) {
            b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts.get(i));
        }
        b.append('/').append(MASTER);
        return query == null || query.isEmpty() ? b.toString() : b + "?" + query;
    }

    public String uri() {
        return uri("");
    }

    public RedisServer primary() {
        return primary;
    }

    public RedisServer replica() {
        return replica;
    }

    /** The primary as the sentinels see it now (the first that answers). */
    public HostAndPort currentPrimary() {
        for (int port : sentinelPorts) {
            try (Jedis s = new Jedis(new HostAndPort("127.0.0.1", port), PROBE)) {
                List<String> addr = s.sentinelGetMasterAddrByName(MASTER);
                return new HostAndPort(addr.get(0), Integer.parseInt(addr.get(1)));
            } catch (RuntimeException down) {
                // ask the next one
            }
        }
        throw new AssertionError("no sentinel answers (see " + dir + ")");
    }

    /** kill -9 of the primary: no shutdown, no last write, as when its host dies. */
    public void killPrimary() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", "KILL", Long.toString(primary.pid())).inheritIO().start().waitFor();
        Await.until("primary gone after kill -9", Duration.ofSeconds(10), () -> !ProcessHandle.of(primary.pid()).isPresent()
                || !ProcessHandle.of(primary.pid()).get().isAlive());
    }

    /** Waits until the sentinels name the replica as the primary and it accepts writes. */
    public void awaitReplicaPromoted(Duration timeout) {
        Await.until("sentinels promote the replica on port " + replica.port() + " (see " + dir + ")", timeout, () -> {
            try {
                return currentPrimary().getPort() == replica.port() && info(replica.port(), "replication").contains("role:master");
            } catch (AssertionError noSentinelYet) {
                return false;
            }
        });
    }

    /**
     * Brings the killed primary back, empty, as a replica of the promoted one (what its supervisor and
     * Sentinel do in production), and waits until it is in sync: writes that wait for a replica get one again.
     */
    public void restartOldPrimaryAsReplica() throws IOException {
        List<String> config = new ArrayList<>(List.of(redisConfig));
        config.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(replica.port())));
        // it comes back empty: should the new primary look down for a moment (a loaded machine), Sentinel
        // must not promote this node before it has synced, or the deployment would start over empty
        config.addAll(List.of("--replica-priority", "0"));
        restarted = RedisServer.start(dir.resolve("primary-restarted"), primary.port(), config.toArray(String[]::new));
        Await.until("the old primary back as a replica of the new one", Duration.ofSeconds(30),
                () -> info(primary.port(), "replication").contains("master_link_status:up"));
    }

    /** The fields of INFO {@code section} of the server on {@code port}, as text ("" when it does not answer). */
    public static String info(int port, String section) {
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", port), PROBE)) {
            return j.info(section);
        } catch (RuntimeException down) {
            return "";
        }
    }

    /** A direct connection to the server on {@code port}, for assertions on what it holds. */
    public static Jedis direct(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().timeoutMillis(10_000)
                .autoNegotiateProtocol(false).build());
    }

    @Override
    public void close() {
        for (Process p : sentinels) {
            p.destroy();
        }
        for (Process p : sentinels) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (restarted != null) {
            restarted.close();
        }
        replica.close();
        primary.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
