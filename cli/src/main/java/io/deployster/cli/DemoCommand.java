package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.gateway.GatewayConfig;
import io.deployster.gateway.GatewayConfigReader;
import io.deployster.gateway.GatewayServer;
import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.log.LogFollower;
import io.deployster.metrics.FleetMetrics;
import io.deployster.metrics.Registry;
import io.deployster.metrics.WorkerMetrics;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisServer;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.web.OpsWeb;
import io.deployster.web.Role;
import io.deployster.web.WebAccess;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    @Option(names = "--serve", arity = "0..1", fallbackValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Also run the gateway (its API, the operations page and /metrics; default address 127.0.0.1:8080), "
                    + "print its URL and a token, and keep running after the deploy until Ctrl-C.")
    String serve;

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
            JobQueue queue = JobQueue.create(redis, Keys.defaults(), QueueSettings.DEFAULT, signer);
            HostPort listen = serve == null ? null : HostPort.parse("--serve", serve);
            Registry registry = FleetMetrics.registry(redis, Keys.defaults(), Clock.systemUTC());
            WorkerMetrics metrics = new WorkerMetrics(registry.meters(), redis, Keys.defaults());
            DeploysterClient client = new DeploysterClient(redis, queue, new LogFollower(redis, Keys.defaults()));
            try (Worker worker = new Worker(redis, queue,
                    WorkerOptions.defaults(List.of(job.queueOrDefault())).withName("demo-worker"), policy, metrics);
                 GatewayServer web = listen == null ? null : serve(listen, job, redis, queue, client, registry, err)) {
                worker.start();
                metrics.slots(worker.name(), 1, worker::running);
                err.println("[demo] worker demo-worker serving queue '" + job.queueOrDefault() + "', signed jobs only, confined to "
                        + work + "; submitting " + file);
                String id = client.submit(job);
                out.println(id);
                JobState state = client.follow(id, LogFollower.START, new Console(out, err, false));
                err.println(Console.summary(state));
                if (job.cd() != null) {
                    err.println("[demo] deployed into " + job.cd());
                }
                if (web != null) {
                    err.println("[demo] still serving the operations page; Ctrl-C stops the demo");
                    err.flush();
                    awaitStop();
                }
                return ExitCodes.of(state.status());
            }
        }
    }

    // The gateway as deployster serve runs it, for the demo's project: one token of this run opens both
    // the API (every scope) and the operations page (operate).
    private static GatewayServer serve(HostPort listen, JobSpec job, Redis redis, JobQueue queue, DeploysterClient client, Registry registry,
                                       PrintWriter err) throws IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String hash = HexFormat.of().formatHex(sha256(token));
        GatewayConfig config = GatewayConfigReader.parse("projects:\n  " + job.project() + ":\n    queue: " + job.queueOrDefault()
                + "\n    tokens:\n      - name: demo\n        sha256: " + hash + "\n        scopes: [admin]\n", "the demo's gateway config");
        OpsWeb page = new OpsWeb(WebAccess.of(Map.of(token, Role.OPERATE)), redis, redis, Keys.defaults(), queue, Clock.systemUTC(), false);
        GatewayServer server = GatewayServer.start(config, redis, Keys.defaults(), queue.settings(), client,
                new GatewayServer.Listen(listen.host(), listen.port(), null, null, 64), new GatewayServer.Operations(page, registry));
        String url = server.url(listen.host().contains(":") ? "[" + listen.host() + "]" : listen.host());
        err.println("[demo] operations page: " + url + OpsWeb.PREFIX + "/ (sign in with token " + token + ", role operate); "
                + "metrics: " + url + "/metrics; API: " + url + "/api/v1 (same token)");
        err.flush();
        return server;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitStop() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.countDown());
        stop.await();
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
