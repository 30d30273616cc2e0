package io.deployster.gateway;

import io.deployster.client.DeploysterClient;
import io.deployster.log.LogFollower;
import io.deployster.log.MultiLogReader;
import io.deployster.metrics.FleetMetrics;
import io.deployster.metrics.Registry;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.web.OpsWeb;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP gateway: Javalin on Jetty, the native v1 routes and the compatible routes, over one Redis
 * pool, one signing client and one log hub. It keeps no state of its own: every gateway on the same
 * Redis and config answers every request the same way.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GatewayServer.class.getName());

    /**
     * @param host address to listen on; port 0 for any free port
     * @param tlsCert PEM certificate chain, with {@code tlsKey} its PKCS#8 key; both null for plain HTTP
     * @param maxThreads most HTTP threads; following clients (SSE, follow=true, wait=true) hold none while they wait
     */
    public record Listen(String host, int port, Path tlsCert, Path tlsKey, int maxThreads) {
    }

    private final Javalin app;
    private final LogHub hub;
    private final LogResponses logs;
    private final ServerConnector[] connector = new ServerConnector[1];
    private final boolean tls;

    private GatewayServer(Javalin app, LogHub hub, LogResponses logs, boolean tls) {
        this.app = app;
        this.hub = hub;
        this.logs = logs;
        this.tls = tls;
    }

    /**
     * Starts serving. The client signs the jobs it submits (give it the gateway's signer) and must use
     * the same {@code keys} and {@code settings} as {@code redis}'s workers.
     *
     * @throws IllegalArgumentException when the TLS files cannot be used
     */
    public static GatewayServer start(GatewayConfig config, Redis redis, Keys keys, QueueSettings settings, DeploysterClient client,
                                      Listen listen) throws IOException {
        return start(config, redis, keys, settings, client, listen,
                new Operations(null, FleetMetrics.registry(redis, keys, Clock.systemUTC())));
    }

    /**
     * What the gateway serves for operators besides the API (docs/operations.md).
     *
     * @param page the operations page under /ui; null to serve none (no operator tokens configured)
     * @param metrics served at /metrics in the Prometheus text format
     */
    public record Operations(OpsWeb page, Registry metrics) {
    }

    /** As {@link #start(GatewayConfig, Redis, Keys, QueueSettings, DeploysterClient, Listen)}, with the operations page and metrics given. */
    public static GatewayServer start(GatewayConfig config, Redis redis, Keys keys, QueueSettings settings, DeploysterClient client,
                                      Listen listen, Operations operations) throws IOException {
        LogHub hub = new LogHub(redis, new MultiLogReader(keys));
        AuthFailureLimiter limiter = new AuthFailureLimiter(redis, keys, config.authFailuresPerMinute());
        Requests requests = new Requests(config, new Authenticator(config), limiter);
        Deployments deployments = new Deployments(client, redis, keys);
        LogResponses logs = new LogResponses(new LogFollower(redis, keys), hub);
        String openApi = openApi();
        SslContextFactory.Server ssl = null;
        if (listen.tlsCert() != null || listen.tlsKey() != null) {
            if (listen.tlsCert() == null || listen.tlsKey() == null) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together; give both, or neither for plain HTTP");
            }
            ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(listen.tlsCert(), listen.tlsKey()));
            ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        }
        SslContextFactory.Server sslFactory = ssl;
        GatewayServer[] self = new GatewayServer[1];
        ServerConnector[] connectorRef = new ServerConnector[1];
        Javalin app = Javalin.create(cfg -> {
            cfg.http.compressionStrategy = CompressionStrategy.NONE; // streamed logs must not wait in a compressor
            cfg.http.maxRequestSize = config.maxBodyBytes() + 1;
            // Javalin copies each answer through a new buffer of this size (Jetty's 32 KiB by default); ours
            // are small JSON, and a large buffer per request is most of a submit's garbage, hence GC pauses
            cfg.http.responseBufferSize = 4096;
            cfg.startup.showJavalinBanner = false;
            QueuedThreadPool threads = new QueuedThreadPool(listen.maxThreads(), Math.min(8, listen.maxThreads()), 60_000);
            threads.setName("gateway-http");
            cfg.jetty.threadPool = threads;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            cfg.jetty.addConnector((server, httpConfig) -> {
                httpConfig.setSendServerVersion(false);
                if (sslFactory != null) {
                    // clients often call the gateway by an address the certificate does not name (a proxy, a test)
                    SecureRequestCustomizer secure = httpConfig.getCustomizer(SecureRequestCustomizer.class);
                    if (secure == null) {
                        secure = new SecureRequestCustomizer();
                        httpConfig.addCustomizer(secure);
                    }
                    secure.setSniHostCheck(false);
                }
                ServerConnector c = sslFactory == null ? new ServerConnector(server, new HttpConnectionFactory(httpConfig))
                        : new ServerConnector(server, new SslConnectionFactory(sslFactory, "http/1.1"), new HttpConnectionFactory(httpConfig));
                c.setHost(listen.host());
                c.setPort(listen.port());
                // followers and wait=true hold quiet connections; SSE sends a keep-alive comment every 15 s
                c.setIdleTimeout(3_600_000);
                connectorRef[0] = c;
                return c;
            });
            new NativeRoutes(requests, deployments, logs).register(cfg.routes);
            TaskListRoutes taskLists = new TaskListRoutes(requests, deployments);
            taskLists.register(cfg.routes);
            new WorkflowRoutes(requests, deployments).register(cfg.routes);
            new QueuedDeployRoutes(requests, deployments, redis, keys, settings, taskLists).register(cfg.routes);
            new ContinuousDeployRoutes(requests, deployments).register(cfg.routes);
            if (operations.page() != null) {
                operations.page().register(cfg.routes, limiter);
            }
            // unauthenticated, as Prometheus scrapes: it tells queue and worker names and counts, never job data
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(operations.metrics().scrape()));
            cfg.routes.get(NativeRoutes.PREFIX + "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            cfg.routes.exception(ApiError.class, (e, ctx) -> write(ctx, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e, ctx)));
            cfg.routes.exception(RedisUnavailableException.class, (e, ctx) -> {
                LOG.log(Level.WARNING, "Redis unreachable while serving " + ctx.method() + " " + ctx.path() + ": " + e.getMessage());
                write(ctx, ApiError.of(503, null, null, null, "the deploy queue (Redis) cannot be reached; try again shortly"));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.SEVERE, "failed to serve " + ctx.method() + " " + ctx.path(), e);
                write(ctx, ApiError.of(500, null, null, null, "internal error of the gateway (" + e.getClass().getSimpleName()
                        + "); its log has the details"));
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            logs.close();
            hub.close();
            throw e;
        }
        GatewayServer server = new GatewayServer(app, hub, logs, ssl != null);
        server.connector[0] = connectorRef[0];
        self[0] = server;
        return server;
    }

    private static ApiError fromJavalin(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 404) {
            return ApiError.of(404, "path", ctx.method() + " " + ctx.path(), "a route listed in " + NativeRoutes.PREFIX + "/openapi.json",
                    "no such route");
        }
        if (status == 405) {
            return ApiError.of(405, "method", ctx.method().name(), "the methods of the route in " + NativeRoutes.PREFIX + "/openapi.json",
                    "method not allowed here");
        }
        if (status == 413) {
            return ApiError.of(413, "body", null, "a smaller body (maxBodyBytes in the gateway's config)", "the request body is too large");
        }
        return ApiError.of(status, null, null, null, e.getMessage());
    }

    private static void write(Context ctx, ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>(e.body());
        ctx.status(e.status()).contentType("application/json").result(Json.write(body));
    }

    private static String openApi() throws IOException {
        try (InputStream in = GatewayServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gateway's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The port listened on (the actual one when 0 was asked for). */
    public int port() {
        return connector[0].getLocalPort();
    }

    /** The gateway's own address, e.g. http://127.0.0.1:8080. */
    public String url(String host) {
        return (tls ? "https" : "http") + "://" + host + ":" + port();
    }

    /** Followers (SSE, follow=true, wait=true) being served now. */
    public int followers() {
        return hub.followers();
    }

    @Override
    public void close() {
        hub.close();
        logs.close();
        app.stop();
    }
}
