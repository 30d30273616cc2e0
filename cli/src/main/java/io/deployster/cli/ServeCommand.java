package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.gateway.GatewayConfig;
import io.deployster.gateway.GatewayConfigReader;
import io.deployster.gateway.GatewayServer;
import io.deployster.metrics.FleetMetrics;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.sign.JobSigner;
import io.deployster.web.OpsWeb;
import io.deployster.web.WebAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the HTTP gateway: a token-protected API to submit, follow and cancel jobs without Redis access "
                + "(docs/http-api.md).", "Jobs are signed with the first key of --keys-file / $DEPLOYSTER_KEYS_FILE / $DEPLOYSTER_KEYS."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Address and port to listen on (default: ${DEFAULT-VALUE}); behind a reverse proxy keep it on loopback.")
    String listen;
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway config: projects, token hashes, defaults, stages, repos.")
    Path config;
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (with --tls-key).")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "Unencrypted PKCS#8 private key of --tls-cert.")
    Path tlsKey;
    @Option(names = "--threads", defaultValue = "64", paramLabel = "N",
            description = "Most HTTP threads, for requests being worked on at once; following clients (SSE, follow=true, wait=true) "
                    + "hold none while they wait (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--operators", paramLabel = "FILE",
            description = "Serve the operations page at /ui for these tokens: lines of NAME ROLE SHA256-HEX, role read or operate "
                    + "(docs/operations.md). Without it there is no page; /metrics is always served.")
    Path operators;
    @Mixin
    RedisOption redis;
    @Mixin
    KeysOption keys;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String[] hostPort = hostPort(listen);
        if (threads < 16 || threads > 100_000) {
            throw new IllegalArgumentException("--threads " + threads + " is not allowed; use 16 to 100000");
        }
        if (operators != null && !Files.isReadable(operators)) {
            throw new IllegalArgumentException("--operators " + operators + " is not a readable file; give lines of NAME ROLE SHA256-HEX");
        }
        if (!Files.isReadable(config)) {
            throw new IllegalArgumentException("--config " + config + " is not a readable file; give the gateway config (docs/http-api.md)");
        }
        GatewayConfig gatewayConfig = GatewayConfigReader.read(config);
        Logging.setLevel(Level.INFO);
        JobSigner signer = keys.signer();
        if (signer == null) {
            LOG.warning("no signing key (--keys-file, $DEPLOYSTER_KEYS_FILE, $DEPLOYSTER_KEYS): jobs are submitted unsigned, "
                    + "and workers that require signed jobs reject them (docs/security.md)");
        }
        Redis pool = redis.connect(threads + 16);
        DeploysterClient client = DeploysterClient.open(redis.connect(32), QueueSettings.DEFAULT, signer);
        Redis pageLogs = redis.connect(OpsWeb.MAX_OPEN_LOGS);
        OpsWeb page = operators == null ? null : new OpsWeb(WebAccess.load(operators), pool, pageLogs, Keys.defaults(),
                JobQueue.create(pool, Keys.defaults(), QueueSettings.DEFAULT, null),
                Clock.systemUTC(), tlsCert != null);
        GatewayServer server = GatewayServer.start(gatewayConfig, pool, Keys.defaults(), QueueSettings.DEFAULT, client,
                new GatewayServer.Listen(hostPort[0], Integer.parseInt(hostPort[1]), tlsCert, tlsKey, threads),
                new GatewayServer.Operations(page, FleetMetrics.registry(pool, Keys.defaults(), Clock.systemUTC())));
        if (page != null) {
            LOG.info("operations page at " + server.url(hostPort[0]) + OpsWeb.PREFIX + "/");
        }
        LOG.info("gateway listening on " + server.url(hostPort[0]) + " for " + gatewayConfig.projects().size() + " project(s) ("
                + String.join(", ", new TreeSet<>(gatewayConfig.projects().keySet())) + "), jobs "
                + (signer == null ? "unsigned" : "signed with key '" + signer.keys().signingKey().id() + "'"));
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.countDown());
        stop.await();
        LOG.info("gateway: shutdown requested; closing followers' streams (they resume from their last entry id)");
        server.close();
        client.close();
        pageLogs.close();
        pool.close();
        return ExitCodes.SUCCEEDED;
    }

    private static String[] hostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || !value.substring(colon + 1).matches("\\d{1,5}") || Integer.parseInt(value.substring(colon + 1)) > 65535) {
            throw new IllegalArgumentException("--listen '" + value + "' is not allowed; use HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8443");
        }
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }
}
