package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobCodec;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.log.LogFollower;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the example deploy end to end, with nothing installed.",
                "Starts its own redis-server and a worker, submits examples/demo/deploy.json, prints its log live",
                "and exits with the deploy's result."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--spec", paramLabel = "FILE", description = "Job spec to run instead of examples/demo/deploy.json.")
    Path specFile;
    @Option(names = "--dir", paramLabel = "DIR", description = "Where to keep Redis's files and deploy to (default: a new temporary directory).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Path file = specFile != null ? specFile : defaultSpec();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("deployster-demo-");
        Path site = Files.createDirectories(work.resolve("site"));
        JobSpec loaded = JobCodec.parseSpec(Files.readString(file, StandardCharsets.UTF_8));
        JobSpec job = loaded.cd() == null && loaded.commands() != null ? loaded.toBuilder().cd(site.toString()).build() : loaded;

        try (RedisServer server = RedisServer.start(work.resolve("redis"));
             Redis redis = Redis.connect(server.uri())) {
            err.println("[demo] redis-server pid " + server.pid() + " on " + server.uri() + ", files in " + work);
            // as in production: jobs signed with a key of this run only, a policy confining them to the demo's directory
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            JobSigner signer = new JobSigner(new KeyRing(List.of(new SigningKey("demo", secret))), Clock.systemUTC(), Duration.ofHours(1));
            WorkerPolicy policy = WorkerPolicy.of(Map.of("cd.*", work.toString(), "playbooks.*", work.toString()));
            JobQueue queue = new JobQueue(redis, Keys.defaults(), QueueSettings.DEFAULT, new JobSpecValidator(JobLimits.DEFAULT),
                    Clock.systemUTC(), signer);
            try (Worker worker = new Worker(redis, queue,
                    WorkerOptions.defaults(List.of(job.queueOrDefault())).withName("demo-worker"), policy)) {
                worker.start();
                err.println("[demo] worker demo-worker serving queue '" + job.queueOrDefault() + "', signed jobs only, confined to "
                        + work + "; submitting " + file);
                DeploysterClient client = new DeploysterClient(redis, queue, new LogFollower(redis, Keys.defaults()));
                String id = client.submit(job);
                out.println(id);
                JobState state = client.follow(id, LogFollower.START, new Console(out, err, false));
                err.println(Console.summary(state));
                if (job.cd() != null) {
                    err.println("[demo] deployed into " + job.cd());
                }
                return ExitCodes.of(state.status());
            }
        }
    }

    private static Path defaultSpec() {
        String home = System.getenv().getOrDefault("DEPLOYSTER_HOME", ".");
        Path path = Path.of(home, "examples", "demo", "deploy.json");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("example job " + path + " not found; run bin/deployster from the repository, or pass --spec FILE");
        }
        return path;
    }
}
