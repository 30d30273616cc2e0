package io.deployster.bench;

import io.deployster.cli.ExitCodes;
import io.deployster.redis.RedisServer;
import io.deployster.redis.RedisUri;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure latency, throughput and footprint against the Redis round trip (docs/benchmarks.md).",
                "Starts its own redis-server on loopback (or uses --redis) and its own workers, runs each scenario, "
                        + "prints a table and writes a JSON result file.",
                "PASS/MISS beside a target is information only: the exit code is 0 when every scenario completed, 1 otherwise."},
        footer = {"", "Scenarios: redis-rtt, submit-started, lock-handoff, log-lines, job-throughput, footprint, scale, controller-follow, gateway, cli-start."})
public final class BenchCommand implements Callable<Integer> {
    static final List<Scenario> SCENARIOS = List.of(new RedisRtt(), new SubmitToStarted(), new LockHandoff(), new LogLines(),
            new JobThroughput(), new Footprint(), new Scale(), new ControllerFollow(), new GatewayLoad(),
            new CliStart());

    @Spec
    CommandSpec spec;
    @Option(names = "--redis", paramLabel = "URI",
            description = "Benchmark this Redis instead of starting one. Use a scratch instance: its INFO is read, and the idle "
                    + "worker serves a queue of the default namespace. The benchmark's keys are deleted at the end.")
    String redisUri;
    @Option(names = "--smoke", description = "Tiny counts: checks that every scenario runs (CI), the figures mean nothing.")
    boolean smoke;
    @Option(names = "--scenario", split = ",", paramLabel = "NAME",
            description = "Run only these scenarios (redis-rtt always runs: it is the unit of the others).")
    List<String> only;
    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-result.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--dir", paramLabel = "DIR", description = "Keep Redis's files, the jobs' directory and the idle workers' logs here (default: a temporary directory, deleted at the end).")
    Path dir;
    @Option(names = "--idle-seconds", paramLabel = "N", description = "How long each idle worker is watched (default: 30, smoke 1).")
    Integer idleSeconds;
    @Option(names = "--log-rate", paramLabel = "LINES", description = "Lines per second printed by the log-latency job (default: 10000).")
    Integer logRate;
    @Option(names = "--tuned-java-options", paramLabel = "OPTIONS",
            description = "JVM flags of the second idle-worker run (default: " + BenchConfig.TUNED_JAVA_OPTIONS + ").")
    String tunedJavaOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        BenchConfig config = smoke ? BenchConfig.smokeRun() : BenchConfig.fullRun();
        if (idleSeconds != null) {
            if (idleSeconds < 1) {
                throw new IllegalArgumentException("--idle-seconds " + idleSeconds + " is not allowed; use 1 or more");
            }
            config = config.withIdleSeconds(idleSeconds);
        }
        if (logRate != null) {
            if (logRate < 1 || logRate > 1_000_000) {
                throw new IllegalArgumentException("--log-rate " + logRate + " is not allowed; use 1 to 1000000 lines per second");
            }
            config = config.withLogRate(logRate);
        }
        if (tunedJavaOptions != null) {
            config = config.withTunedJavaOptions(tunedJavaOptions);
        }
        List<Scenario> scenarios = select(only);
        // the in-process workers' advice (unsigned jobs, no policy file) would drown the progress lines;
        // their errors (a lost lock, Redis unreachable) still show
        Logger.getLogger("").setLevel(Level.SEVERE);
        String given = redisUri == null ? null : RedisUri.parse(redisUri).uri().toString();

        warnIfBusy(stderr);
        long t0 = System.nanoTime();
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("deployster-bench-") : Files.createDirectories(dir).toAbsolutePath();
        Path site = Files.createDirectories(work.resolve("site"));
        RedisServer server = null;
        try {
            if (given == null) {
                server = RedisServer.start(work.resolve("redis"));
                stderr.println("[bench] redis-server pid " + server.pid() + " on " + server.uri());
            }
            String uri = given != null ? given : server.uri();
            try (BenchContext ctx = new BenchContext(uri, given == null, work, site, config, stderr)) {
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("startedAt", Instant.now().toString());
                header.put("smoke", smoke);
                header.put("machine", Machine.describe());
                Map<String, Object> redis = new LinkedHashMap<>();
                redis.put("version", ctx.info("server", "redis_version"));
                redis.put("startedByBench", given == null);
                redis.put("uri", RedisUri.parse(uri).toString());
                header.put("redis", redis);
                Report report = new Report(header);
                for (Scenario scenario : scenarios) {
                    report.add(run(ctx, scenario));
                }
                stdout.println();
                report.printTable(stdout);
                report.write(out, (System.nanoTime() - t0) / 1e9);
                stderr.println("[bench] results written to " + out.toAbsolutePath());
                stderr.flush();
                return report.allCompleted() ? ExitCodes.SUCCEEDED : ExitCodes.FAILED;
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (temporary) {
                deleteTree(work);
            }
        }
    }

    // Every figure is measured on the machine's own cores: other work skews them all, silently.
    private static void warnIfBusy(PrintWriter err) {
        String load = Machine.loadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        if (load != null && Double.parseDouble(load.split(" ")[0]) > 0.5 * cpus) {
            err.println("[bench] WARNING: the machine is busy (load average " + load + " on " + cpus
                    + " CPUs); the figures will be worse than it can do. Run the benchmark on an idle machine.");
            err.flush();
        }
    }

    private static List<Scenario> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return SCENARIOS;
        }
        List<String> known = SCENARIOS.stream().map(Scenario::name).toList();
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("scenario '" + name + "' (--scenario) does not exist; use one or more of " + String.join(", ", known));
            }
        }
        List<Scenario> chosen = new ArrayList<>();
        for (Scenario s : SCENARIOS) {
            if (s instanceof RedisRtt || names.contains(s.name())) {
                chosen.add(s);
            }
        }
        return chosen;
    }

    private static ScenarioResult run(BenchContext ctx, Scenario scenario) throws InterruptedException {
        ScenarioResult result = new ScenarioResult(scenario.name());
        ctx.progress("running " + scenario.name() + "...");
        long t0 = System.nanoTime();
        try {
            scenario.run(ctx, result);
            result.ended(true, null, (System.nanoTime() - t0) / 1e9);
            ctx.progress(String.format(Locale.ROOT, "%s done in %.1f s", scenario.name(), (System.nanoTime() - t0) / 1e9));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            result.ended(false, e.toString(), (System.nanoTime() - t0) / 1e9);
            ctx.progress(scenario.name() + " did not complete: " + e);
            if (scenario instanceof RedisRtt) {
                throw new IllegalStateException("the Redis round trip could not be measured, so no other figure can be given: " + e, e);
            }
        } finally {
            ctx.stopWorkers();
        }
        return result;
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
