package io.deployster.cli;

import io.deployster.job.JobLimits;
import io.deployster.job.JobSpecValidator;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run deploy jobs from the given queues until stopped.",
                "SIGTERM stops taking jobs, lets running ones finish within --shutdown-grace, then cancels them."})
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    RedisOption redis;
    @Option(names = "--queues", split = ",", defaultValue = "deploy", paramLabel = "Q1,Q2", description = "Queues to serve (default: deploy).")
    List<String> queues;
    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N", description = "Jobs run at once; jobs waiting for a project lock take no slot (default: 1).")
    int concurrency;
    @Option(names = "--name", paramLabel = "NAME", description = "Worker name shown on its jobs (default: host name and pid).")
    String name;
    @Option(names = "--lock-ttl", defaultValue = "30", paramLabel = "SECONDS", description = "Project lock lifetime without renewal (default: 30).")
    int lockTtlSeconds;
    @Option(names = "--kill-grace", defaultValue = "10", paramLabel = "SECONDS", description = "Between TERM and KILL when a job is cancelled (default: 10).")
    int killGraceSeconds;
    @Option(names = "--shutdown-grace", defaultValue = "60", paramLabel = "SECONDS", description = "How long running jobs may finish on shutdown (default: 60).")
    int shutdownGraceSeconds;
    @Option(names = "--retention-days", defaultValue = "7", paramLabel = "DAYS", description = "How long finished jobs and logs are kept (default: 7).")
    int retentionDays;
    @Option(names = "--max-line-bytes", defaultValue = "16384", paramLabel = "BYTES", description = "Longer output lines are cut and marked (default: 16384).")
    int maxLineBytes;

    @Override
    public Integer call() throws InterruptedException {
        for (String q : queues) {
            if (!q.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("queue '" + q + "' (--queues) is not allowed; use 1 to 100 of A-Z a-z 0-9 . _ -");
            }
        }
        Logging.setLevel(Level.INFO);
        QueueSettings settings = new QueueSettings(Duration.ofSeconds(lockTtlSeconds), QueueSettings.DEFAULT.logMaxLen(),
                Duration.ofDays(retentionDays));
        WorkerOptions options = new WorkerOptions(name == null ? WorkerOptions.defaultName() : name, queues, concurrency,
                Duration.ofSeconds(killGraceSeconds), maxLineBytes, Duration.ofSeconds(shutdownGraceSeconds));
        Redis pool = new Redis(RedisUri.parse(redis.require()), concurrency * 2 + 8);
        JobQueue queue = new JobQueue(pool, Keys.defaults(), settings, new JobSpecValidator(JobLimits.DEFAULT), Clock.systemUTC());
        Worker worker = new Worker(pool, queue, new JobSpecValidator(JobLimits.DEFAULT), options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            pool.close();
            stopped.countDown();
        }, "shutdown"));
        worker.start();
        stopped.await();
        return ExitCodes.SUCCEEDED;
    }
}
