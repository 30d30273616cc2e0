package io.deployster.web;

import io.deployster.metrics.QueueGauges;
import io.deployster.metrics.Registry;
import io.deployster.metrics.SubmittedCounters;
import io.deployster.metrics.WorkerGauges;
import io.deployster.ops.WorkersView;
import java.time.Clock;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.javalin.Javalin;

/**
 * The operations page and a /metrics route on a Javalin of their own: what {@code deployster demo --serve}
 * runs until the gateway ({@code deployster serve}) mounts {@link OpsWeb} and the metrics on its server.
 */
public final class OpsWebServer implements AutoCloseable {
    private final Javalin app;

    private OpsWebServer(Javalin app) {
        this.app = app;
    }

    /** @param port 0 for any free port */
    public static OpsWebServer start(String host, int port, OpsWeb web, Registry registry, Redis redis, Keys keys) {
        registry.beforeScrape(new QueueGauges(registry.meters(), redis, keys, () -> io.deployster.ops.Scans.queues(redis, keys)));
        registry.beforeScrape(new SubmittedCounters(registry.meters(), redis, keys));
        registry.beforeScrape(new WorkerGauges(registry.meters(), new WorkersView(redis, keys, Clock.systemUTC())));
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.addConnector((server, http) -> {
                http.setSendServerVersion(false);
                org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server);
                c.setHost(host);
                c.setPort(port);
                return c;
            });
            web.register(cfg.routes);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
            cfg.routes.get("/", ctx -> ctx.redirect(OpsWeb.PREFIX + "/"));
        });
        app.start();
        return new OpsWebServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
