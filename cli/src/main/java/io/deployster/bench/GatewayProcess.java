package io.deployster.bench;

import io.deployster.client.DeploysterClient;
import io.deployster.gateway.GatewayConfigReader;
import io.deployster.gateway.GatewayServer;
import io.deployster.log.LogFollower;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway of the {@code gateway} scenario, in a JVM of its own so its threads, memory and CPU are
 * measured apart from the benchmark's clients. Wired as {@code deployster serve} wires it, but in the
 * benchmark's namespace. Prints {@code READY <port>} when it listens; ends when stdin closes.
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: GatewayProcess REDIS_URI NAMESPACE CONFIG THREADS");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[3]);
        Keys keys = new Keys(args[1]);
        Redis pool = new Redis(RedisUri.parse(args[0]), threads + 16);
        Redis clientPool = new Redis(RedisUri.parse(args[0]), 32);
        JobQueue queue = JobQueue.create(clientPool, keys, QueueSettings.DEFAULT, null);
        DeploysterClient client = new DeploysterClient(clientPool, queue, new LogFollower(clientPool, keys));
        try (GatewayServer server = GatewayServer.start(GatewayConfigReader.read(Path.of(args[2])), pool, keys, QueueSettings.DEFAULT,
                client, new GatewayServer.Listen("127.0.0.1", 0, null, null, threads))) {
            System.out.println("READY " + server.port());
            System.out.flush();
            CountDownLatch eof = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the benchmark writes nothing; closing stdin is the signal
                    }
                } catch (IOException e) {
                    // a broken stdin ends the process as well
                }
                eof.countDown();
            });
            reader.setDaemon(true);
            reader.start();
            eof.await();
        } finally {
            pool.close();
            clientPool.close();
        }
    }
}
