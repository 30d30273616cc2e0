package io.deployster.cli;

import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.sign.JobSigner;
import io.deployster.metrics.MetricsEndpoint;
import io.deployster.metrics.QueueGauges;
import io.deployster.metrics.Registry;
import io.deployster.metrics.WorkerMetrics;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerEvents;
import io.deployster.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run deploy jobs from the given queues until stopped.",
                "SIGTERM stops taking jobs, lets running ones finish within --shutdown-grace, then cancels them."})
final class WorkerCommand implements Callable<Integer> {
    private static final Duration MIN_RETENTION = Duration.ofSeconds(1);

    @Mixin
    RedisOption redis;
    @Mixin
    KeysOption keys;
    @Option(names = "--policy", paramLabel = "FILE", description = "What jobs may do on this host: projects, directories, commands, variables (docs/security.md).")
    Path policyFile;
    @Option(names = "--queues", split = ",", defaultValue = "deploy", paramLabel = "Q1,Q2", description = "Queues to serve (default: deploy).")
    List<String> queues;
    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N", description = "Jobs run at once; jobs waiting for a project lock take no slot (default: 1).")
    int concurrency;
    @Option(names = "--name", paramLabel = "NAME", description = "Worker name shown on its jobs (default: host name and pid).")
    String name;
    @Option(names = "--lock-ttl", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Lease: a job's project lock lasts this long without renewal (renewed every tenth of it). A job that "
                    + "cannot renew it for four fifths of it is killed; a crashed or stalled holder's job is marked lost and "
                    + "its lock passes on once it has run out (default: 30s).")
    Duration lockTtl;
    @Option(names = "--lost-after", defaultValue = "15s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "A worker silent this long is shown as dead; its jobs are marked lost when their lease runs out (default: 15s).")
    Duration lostAfter;
    @Option(names = "--claim-idle", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "A job taken but not started by a worker for this long is run by another (default: 30s).")
    Duration claimIdle;
    @Option(names = "--kill-grace", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Between TERM and KILL when a job is cancelled or times out (default: 10s).")
    Duration killGrace;
    @Option(names = "--shutdown-grace", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "On SIGTERM, how long running jobs may finish before they are cancelled (default: 60s).")
    Duration shutdownGrace;
    @Option(names = "--retention", defaultValue = "7d", converter = DurationConverter.class, paramLabel = "TIME",
            description = "How long finished jobs and their logs are kept: at least 1s (default: 7d).")
    Duration retention;
    @Option(names = "--history-limit", defaultValue = "1000", paramLabel = "N",
            description = "Ended deploys kept per project for 'deployster history', beyond --retention (default: 1000).")
    int historyLimit;
    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464; port 0: any free port, logged).")
    String metricsListen;
    @Option(names = "--max-line-bytes", defaultValue = "16384", paramLabel = "BYTES", description = "Longer output lines are cut and marked (default: 16384).")
    int maxLineBytes;

    @Override
    public Integer call() throws InterruptedException, IOException {
        for (String q : queues) {
            if (!q.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("queue '" + q + "' (--queues) is not allowed; use 1 to 100 of A-Z a-z 0-9 . _ -");
            }
        }
        if (retention.compareTo(MIN_RETENTION) < 0) {
            // a shorter one deletes a job as it ends: whoever waits on it (submit, the gateway, a workflow) finds nothing
            throw new IllegalArgumentException("--retention " + retention.toMillis() + " ms is not allowed; use at least 1s (e.g. 1h, 7d), "
                    + "longer than producers take to read a result: an ended job's result and log are deleted once it passes");
        }
        Logging.setLevel(Level.INFO);
        QueueSettings settings = new QueueSettings(lockTtl, QueueSettings.DEFAULT.logMaxLen(), retention, historyLimit);
        WorkerOptions options = new WorkerOptions(name == null ? WorkerOptions.defaultName() : name, queues, concurrency,
                killGrace, maxLineBytes, shutdownGrace, lostAfter, claimIdle);
        JobSigner signer = keys.signer();
        WorkerPolicy policy = policyFile == null ? null : WorkerPolicy.load(policyFile);
        Redis pool = redis.connect(concurrency * 2 + 8);
        JobQueue queue = JobQueue.create(pool, Keys.defaults(), settings, signer);
        HostPort metricsAt = metricsListen == null ? null : HostPort.parse("--metrics-listen", metricsListen);
        Registry registry = new Registry();
        WorkerMetrics metrics = new WorkerMetrics(registry.meters(), pool, Keys.defaults());
        Worker worker = new Worker(pool, queue, options, policy, metricsAt == null ? WorkerEvents.NONE : metrics);
        MetricsEndpoint endpoint = null;
        if (metricsAt != null) {
            metrics.slots(options.name(), concurrency, worker::running);
            registry.beforeScrape(new QueueGauges(registry.meters(), pool, Keys.defaults(), options::queues));
            endpoint = MetricsEndpoint.start(metricsAt.host(), metricsAt.port(), registry);
            Logger.getLogger(WorkerCommand.class.getName()).info("worker " + options.name() + ": metrics at http://"
                    + metricsAt.host() + ":" + endpoint.port() + "/metrics");
        }
        // TERM (systemd stop) and INT (Ctrl-C) mean a graceful shutdown that ends with exit code 0; a second one
        // cancels the jobs still running at once instead of waiting out the grace
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.SignalHandler onStop = signal -> {
            if (stop.getCount() > 0) {
                stop.countDown();
                return;
            }
            Logger.getLogger(WorkerCommand.class.getName()).warning("worker " + options.name() + ": second stop request (SIG"
                    + signal.getName() + "); cancelling its " + worker.running() + " running job(s) now instead of after the "
                    + "shutdown grace (they end cancelled once their processes are gone; their projects' locks then pass on)");
            worker.cutShutdownGrace();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), onStop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), onStop);
        worker.start();
        stop.await();
        Logger.getLogger(WorkerCommand.class.getName()).info("worker " + options.name()
                + ": shutdown requested; taking no new jobs, waiting up to " + shutdownGrace.toSeconds() + " s for " + worker.running() + " running job(s)");
        worker.close();
        if (endpoint != null) {
            endpoint.close();
        }
        pool.close();
        return ExitCodes.SUCCEEDED;
    }
}
