package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs of one project start in the order their submits were acknowledged, with several workers
 * reading in parallel, several producers and two queues.
 */
// alone: its worker JVMs must not compete for the CPU with another class's, or a starved worker fences its job
@Isolated
class SubmitOrderTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void jobsOfOneProjectStartInAcknowledgedSubmitOrder() throws Exception {
        int projects = 12;
        int perProject = 12;
        List<WorkerProcess> workers = new ArrayList<>();
        ExecutorService producers = Executors.newFixedThreadPool(3);
        try (Deployment deployment = new Deployment(redis.uri())) {
            for (int w = 1; w <= 3; w++) {
                workers.add(WorkerProcess.start(redis.client(), dir, "w" + w, "--concurrency", "8", "--queues", "qa,qb"));
            }
            // per project, the ids in the order their submits were acknowledged; each producer owns some
            // projects, and the submits of all three interleave on both queues
            Map<Integer, List<String>> acknowledged = new ConcurrentHashMap<>();
            List<Future<?>> running = new ArrayList<>();
            for (int producer = 0; producer < 3; producer++) {
                int me = producer;
                running.add(producers.submit(() -> {
                    List<Integer> mine = new ArrayList<>();
                    for (int p = me; p < projects; p += 3) {
                        for (int i = 0; i < perProject; i++) {
                            mine.add(p);
                        }
                    }
                    Collections.shuffle(mine, new Random(me));
                    for (int p : mine) {
                        Path started = dir.resolve("p" + p + ".started");
                        String id = deployment.client.submit(JobSpec.commands("order-" + p, dir.toString(),
                                List.of("echo $DEPLOYSTER_JOB_ID >> " + started)).queue(p % 2 == 0 ? "qa" : "qb").build());
                        acknowledged.computeIfAbsent(p, k -> Collections.synchronizedList(new ArrayList<>())).add(id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            for (List<String> ids : acknowledged.values()) {
                for (String id : ids) {
                    assertEquals(JobStatus.SUCCEEDED, deployment.client.await(id).status());
                }
            }
            int outOfOrder = 0;
            for (int p = 0; p < projects; p++) {
                List<String> started = Files.readAllLines(dir.resolve("p" + p + ".started"));
                if (!started.equals(acknowledged.get(p))) {
                    outOfOrder++;
                }
                assertEquals(acknowledged.get(p), started, "project order-" + p + " started its jobs in submit order");
            }
            assertEquals(0, outOfOrder);
        } finally {
            producers.shutdownNow();
            for (WorkerProcess w : workers) {
                w.close();
            }
        }
    }
}
