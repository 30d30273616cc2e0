package io.deployster.testing;

import io.deployster.client.DeploysterClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link Deployment} with one in-process worker, new for each test and closed after it. Register it as an
 * instance field after the class's {@link RealRedis}, so that Redis is emptied before the worker starts:
 * {@code @RegisterExtension final DeploymentPerTest deployment = new DeploymentPerTest(redis, "w1", 2);}
 */
public final class DeploymentPerTest implements BeforeEachCallback, AfterEachCallback {
    private final RealRedis redis;
    private final String worker;
    private final int concurrency;
    private final String[] queues;
    private Deployment deployment;

    /**
     * @param concurrency jobs the worker {@code worker} runs at once
     * @param queues the queues it serves; none for the default queue, {@code deploy}
     */
    public DeploymentPerTest(RealRedis redis, String worker, int concurrency, String... queues) {
        this.redis = redis;
        this.worker = worker;
        this.concurrency = concurrency;
        this.queues = queues.clone();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        deployment = new Deployment(redis.uri());
        deployment.worker(worker, concurrency, queues);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        deployment.close();
    }

    /** The client of the test's deployment. */
    public DeploysterClient client() {
        return deployment.client;
    }
}
