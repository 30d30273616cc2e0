package io.deployster.testing;

import io.deployster.client.DeploysterClient;
import io.deployster.log.LogFollower;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.sign.JobSigner;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real workers and a client against one real Redis, wired as production wires them; closes all. */
public final class Deployment implements AutoCloseable {
    private final String uri;
    private final QueueSettings settings;
    private final List<AutoCloseable> open = new ArrayList<>();
    public final DeploysterClient client;

    public Deployment(String uri, QueueSettings settings) {
        this(uri, settings, null);
    }

    /** @param signer signs the client's jobs (and lets workers started with it verify them); null for none */
    public Deployment(String uri, QueueSettings settings, JobSigner signer) {
        this.uri = uri;
        this.settings = settings;
        Redis redis = Redis.connect(uri);
        Keys keys = Keys.defaults();
        this.client = new DeploysterClient(redis, queue(redis, signer), new LogFollower(redis, keys));
        open.add(redis);
    }

    public Deployment(String uri) {
        this(uri, QueueSettings.DEFAULT);
    }

    private JobQueue queue(Redis redis, JobSigner signer) {
        return JobQueue.create(redis, Keys.defaults(), settings, signer);
    }

    /** Starts a worker with its own connection pool, as a separate worker process would have. */
    public Worker worker(String name, int concurrency, String... queues) {
        return worker(name, concurrency, null, null, queues);
    }

    /** A worker that only runs jobs signed with {@code signer}'s keys and within {@code policy} (each optional). */
    public Worker worker(String name, int concurrency, JobSigner signer, WorkerPolicy policy, String... queues) {
        Redis redis = Redis.connect(uri);
        WorkerOptions options = WorkerOptions.defaults(List.of(queues.length == 0 ? new String[] {"deploy"} : queues))
                .withName(name).withConcurrency(concurrency).withKillGrace(Duration.ofSeconds(2));
        Worker worker = new Worker(redis, queue(redis, signer), options, policy);
        worker.start();
        open.add(0, redis);
        open.add(0, worker);
        return worker;
    }

    /** A worker with options of the test's own (its queues, name and limits), verifying with {@code signer} when given. */
    public Worker worker(WorkerOptions options, JobSigner signer) {
        Redis redis = Redis.connect(uri);
        Worker worker = new Worker(redis, queue(redis, signer), options, null);
        worker.start();
        open.add(0, redis);
        open.add(0, worker);
        return worker;
    }

    @Override
    public void close() throws Exception {
        client.close();
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
