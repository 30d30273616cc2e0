package io.deployster.bench;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.protocol.JobField;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What every scenario shares: the Redis under test, a producer side (queue, followers) wired as the CLI
 * wires it, and workers wired as {@code deployster worker} wires them, each with a pool of its own.
 * All keys live under a namespace of their own, so a benchmark never touches real queues.
 */
final class BenchContext implements AutoCloseable {
    /** A job as its hash records it at the end: times are epoch milliseconds, 0 when not set. */
    record JobTimes(String id, String status, long submittedAt, long startedAt, long endedAt, String reason) {
    }

    final String uri;
    final BenchConfig config;
    final String namespace;
    final Keys keys;
    final Redis redis;
    final JobQueue queue;
    final LogFollower follower;
    final Path work;
    final Path site;
    private final boolean ownRedis;
    private final PrintWriter err;
    private final Map<Worker, Redis> workers = new LinkedHashMap<>();
    private double rttMs = Double.NaN;

    BenchContext(String uri, boolean ownRedis, Path work, Path site, BenchConfig config, PrintWriter err) {
        this.uri = uri;
        this.ownRedis = ownRedis;
        this.work = work;
        this.site = site;
        this.config = config;
        this.err = err;
        this.namespace = "bench-" + randomSuffix();
        this.keys = new Keys(namespace);
        // room for every follower of the 50-follower run: a blocking read holds its connection
        this.redis = new Redis(RedisUri.parse(uri), config.followers() + 16);
        this.queue = jobQueue(redis);
        this.follower = new LogFollower(redis, keys);
    }

    private JobQueue jobQueue(Redis pool) {
        return JobQueue.create(pool, keys, QueueSettings.DEFAULT, null);
    }

    private static String randomSuffix() {
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append(Character.forDigit(random.nextInt(36), 36));
        }
        return s.toString();
    }

    /** The median Redis round trip of this run, the unit every latency is also given in. */
    double rttMs() {
        if (Double.isNaN(rttMs)) {
            throw new IllegalStateException("the Redis round trip has not been measured yet");
        }
        return rttMs;
    }

    void rttMs(double value) {
        this.rttMs = value;
    }

    void progress(String message) {
        err.println("[bench] " + message);
        err.flush();
    }

    /** A worker as {@code deployster worker --concurrency N --queues Q} runs it, inside this JVM. */
    Worker startWorker(String name, int concurrency, String queueName) {
        Redis pool = new Redis(RedisUri.parse(uri), concurrency * 2 + 8);
        WorkerOptions options = WorkerOptions.defaults(List.of(queueName)).withName(namespace + "-" + name)
                .withConcurrency(concurrency).withKillGrace(Duration.ofSeconds(2));
        Worker worker = new Worker(pool, jobQueue(pool), options);
        worker.start();
        workers.put(worker, pool);
        return worker;
    }

    void stopWorker(Worker worker) {
        Redis pool = workers.remove(worker);
        worker.close();
        if (pool != null) {
            pool.close();
        }
    }

    void stopWorkers() {
        for (Worker w : new ArrayList<>(workers.keySet())) {
            stopWorker(w);
        }
    }

    JobSpec job(String project, String queueName, String command) {
        return JobSpec.commands(project, site.toString(), List.of(command)).queue(queueName).submittedBy("deployster bench").build();
    }

    /**
     * Waits until every job has ended and returns what their hashes say. Jobs end roughly in the order
     * they were submitted, so each round asks about the oldest unfinished ones only, to keep the
     * polling from loading the Redis under test.
     *
     * @throws IllegalStateException when they did not all end within the configured time, or one did not succeed
     */
    Map<String, JobTimes> awaitSucceeded(List<String> ids) throws InterruptedException {
        return awaitSucceeded(keys, ids);
    }

    /** {@link #awaitSucceeded(List)} for jobs of the namespace {@code keys} (a worker process's). */
    Map<String, JobTimes> awaitSucceeded(Keys keys, List<String> ids) throws InterruptedException {
        Duration timeout = config.batchTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> open = new LinkedHashSet<>(ids);
        while (!open.isEmpty()) {
            List<String> window = open.stream().limit(256).toList();
            List<String> statuses = statuses(keys, window);
            for (int i = 0; i < window.size(); i++) {
                if (ended(statuses.get(i))) {
                    open.remove(window.get(i));
                }
            }
            if (open.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(open.size() + " of " + ids.size() + " jobs had not ended after " + timeout.toSeconds()
                        + " s; job " + window.get(0) + " is still " + statuses.get(0));
            }
            // the figures come from the job hashes' times, not from when this loop sees the end: look
            // rarely, so the polling does not take CPU from the worker and Redis it measures
            Thread.sleep(100);
        }
        Map<String, JobTimes> times = times(keys, ids);
        for (JobTimes t : times.values()) {
            if (!JobStatus.SUCCEEDED.wireName().equals(t.status())) {
                throw new IllegalStateException("job " + t.id() + " ended " + t.status() + ", not succeeded: " + t.reason()
                        + "; the figures of this scenario would mean nothing");
            }
        }
        return times;
    }

    private static boolean ended(String status) {
        if (status == null) {
            return false;
        }
        try {
            return JobStatus.fromWireName(status).isTerminal();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private List<String> statuses(Keys keys, List<String> ids) {
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            List<Response<String>> replies = new ArrayList<>(ids.size());
            for (String id : ids) {
                replies.add(p.hget(keys.job(id), JobField.STATUS));
            }
            p.sync();
            return replies.stream().map(Response::get).toList();
        });
    }

    private Map<String, JobTimes> times(Keys keys, List<String> ids) {
        Map<String, JobTimes> result = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            List<List<String>> rows = redis.call(j -> {
                Pipeline p = j.pipelined();
                List<Response<List<String>>> replies = new ArrayList<>(chunk.size());
                for (String id : chunk) {
                    replies.add(p.hmget(keys.job(id), JobField.STATUS, JobField.SUBMITTED_AT, JobField.STARTED_AT, JobField.ENDED_AT, JobField.REASON));
                }
                p.sync();
                return replies.stream().map(Response::get).toList();
            });
            for (int i = 0; i < chunk.size(); i++) {
                List<String> f = rows.get(i);
                result.put(chunk.get(i), new JobTimes(chunk.get(i), f.get(0), millis(f.get(1)), millis(f.get(2)), millis(f.get(3)), f.get(4)));
            }
        }
        return result;
    }

    private static long millis(String value) {
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /** One INFO field of the server under test, e.g. ("memory", "used_memory"). */
    String info(String section, String field) {
        String info = redis.call(j -> j.info(section));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("Redis INFO " + section + " has no field " + field);
    }

    @Override
    public void close() {
        stopWorkers();
        try {
            if (!ownRedis) {
                deleteNamespace();
            }
        } finally {
            redis.close();
        }
    }

    // On a Redis we did not start, leave nothing behind.
    private void deleteNamespace() {
        String pattern = namespace + ":*";
        try (Jedis jedis = redis.borrow()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            progress("could not remove the benchmark's keys " + pattern + ": " + e.getMessage());
        }
    }
}
