package io.deployster.web;

import io.deployster.job.JobIds;
import io.deployster.job.JobState;
import io.deployster.log.LogFollower;
import io.deployster.ops.OpsJson;
import io.deployster.ops.WorkersView;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * The operations page: routes under {@value #PREFIX}, mounted on the gateway's Javalin
 * ({@code deployster serve --operators FILE}). Pages are static files from the jar; their
 * script reads the JSON routes and the log's server-sent events. Every route needs a token (a session
 * cookie set by the sign-in form, or an Authorization: Bearer header); cancel needs the operate role and
 * the session's CSRF token in the X-CSRF-Token header.
 */
public final class OpsWeb {
    public static final String PREFIX = "/ui";
    static final String COOKIE = "deployster_ui";
    private static final String CSRF_HEADER = "X-CSRF-Token";

    private final WebAccess access;
    private final OpsData data;
    private final JobQueue jobs;
    private final LogStream logs;
    private final boolean secureCookie;

    /** How many job logs the page follows at once; each holds a connection of the {@code logs} pool. */
    public static final int MAX_OPEN_LOGS = LogStream.MAX_OPEN;

    /**
     * @param logs the pool the page's open job logs follow on, one connection each for as long as the log
     *     is open, at most {@link #MAX_OPEN_LOGS}: a pool of their own, so open pages never take the
     *     connections the API and /metrics need
     * @param jobs cancels jobs and reads their state; the same settings as the workers'
     * @param secureCookie true when served over HTTPS: the session cookie is then never sent in clear
     */
    public OpsWeb(WebAccess access, Redis redis, Redis logs, Keys keys, JobQueue jobs, Clock clock, boolean secureCookie) {
        this.access = access;
        this.jobs = jobs;
        this.data = new OpsData(redis, keys, jobs, new WorkersView(redis, keys, clock));
        this.logs = new LogStream(new LogFollower(logs, keys));
        this.secureCookie = secureCookie;
    }

    /** @param signIns counts the page's wrong tokens with the API's, and refuses (429) an address past its limit */
    public void register(RoutesConfig routes, FailedSignIns signIns) {
        routes.get(PREFIX + "/login", ctx -> page(ctx, "login.html"));
        routes.post(PREFIX + "/login", ctx -> login(ctx, signIns));
        routes.post(PREFIX + "/logout", ctx -> {
            ctx.cookie(cookie("", 0));
            ctx.redirect(PREFIX + "/login");
        });
        routes.get(PREFIX + "/static/{file}", this::asset);
        routes.get(PREFIX + "/", ctx -> pageFor(ctx, "overview.html", signIns));
        routes.get(PREFIX + "/project/{project}", ctx -> pageFor(ctx, "project.html", signIns));
        routes.get(PREFIX + "/job/{id}", ctx -> pageFor(ctx, "job.html", signIns));
        routes.get(PREFIX + "/api/me", ctx -> {
            WebAccess.Viewer v = viewer(ctx, signIns);
            json(ctx, Map.of("name", v.name(), "role", v.role().wireName(), "csrf", v.csrf()));
        });
        routes.get(PREFIX + "/api/overview", ctx -> {
            viewer(ctx, signIns);
            json(ctx, data.overview());
        });
        routes.get(PREFIX + "/api/project/{project}", ctx -> {
            viewer(ctx, signIns);
            try {
                json(ctx, data.project(ctx.pathParam("project"), 100));
            } catch (IllegalArgumentException badName) {
                throw new WebError(400, badName.getMessage());
            }
        });
        routes.get(PREFIX + "/api/job/{id}", ctx -> {
            WebAccess.Viewer v = viewer(ctx, signIns);
            JobState s = job(ctx);
            json(ctx, Map.of("job", s, "mayCancel", v.mayCancel() && !s.status().isTerminal()));
        });
        routes.get(PREFIX + "/api/job/{id}/log", ctx -> {
            viewer(ctx, signIns);
            logs.serve(ctx, job(ctx).id(), id -> jobs.status(id) != null, id -> {
                JobState s = jobs.status(id);
                return s != null && s.status().isTerminal();
            });
        });
        routes.post(PREFIX + "/api/job/{id}/cancel", ctx -> cancel(ctx, signIns));
        routes.exception(WebError.class, (e, ctx) -> {
            if (e.status() == 401 && !ctx.path().startsWith(PREFIX + "/api/")) {
                ctx.redirect(PREFIX + "/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8));
                return;
            }
            ctx.status(e.status());
            json(ctx, Map.of("error", e.getMessage()));
        });
    }

    private void login(Context ctx, FailedSignIns signIns) {
        String token = ctx.formParam("token");
        if (check(ctx, token, signIns) == null) {
            ctx.redirect(PREFIX + "/login?failed=1");
            return;
        }
        ctx.cookie(cookie(token, 12 * 3600));
        String next = ctx.formParam("next");
        // only a path of this page: never an address elsewhere (an open redirect)
        ctx.redirect(next != null && next.startsWith(PREFIX + "/") && !next.startsWith("//") ? next : PREFIX + "/");
    }

    private Cookie cookie(String value, int maxAgeSeconds) {
        // HttpOnly: scripts (an injected one too) cannot read it; Strict: no other site's page sends it
        return new Cookie(COOKIE, value, PREFIX, maxAgeSeconds, secureCookie, true, null, SameSite.STRICT);
    }

    private void cancel(Context ctx, FailedSignIns signIns) {
        WebAccess.Viewer v = viewer(ctx, signIns);
        if (!v.csrf().equals(ctx.header(CSRF_HEADER))) {
            throw new WebError(403, "cancel needs the page's CSRF token in the " + CSRF_HEADER + " header");
        }
        if (!v.mayCancel()) {
            throw new WebError(403, "token '" + v.name() + "' has the read role; cancelling needs operate");
        }
        JobState s = job(ctx);
        JobQueue.CancelOutcome outcome = jobs.cancel(s.id(), "cancelled on the operations page by " + v.name());
        json(ctx, Map.of("outcome", outcome.name().toLowerCase(Locale.ROOT)));
    }

    private WebAccess.Viewer viewer(Context ctx, FailedSignIns signIns) {
        String token = ctx.cookie(COOKIE);
        String auth = ctx.header("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            token = auth.substring("Bearer ".length()).strip();
        }
        WebAccess.Viewer v = token == null ? null : check(ctx, token, signIns);
        if (v == null) {
            throw new WebError(401, "sign in with a token (read or operate)");
        }
        return v;
    }

    // A wrong token counts against the caller's address, as on the API; past the limit even a right one waits.
    private WebAccess.Viewer check(Context ctx, String token, FailedSignIns signIns) {
        long wait = signIns.secondsBlocked(ctx.ip());
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new WebError(429, "too many failed sign-ins from " + ctx.ip() + "; try again in " + wait + " s");
        }
        WebAccess.Viewer v = access.check(token);
        if (v == null) {
            signIns.record(ctx.ip());
        }
        return v;
    }

    private JobState job(Context ctx) {
        String id = ctx.pathParam("id");
        if (!JobIds.isValid(id)) {
            throw new WebError(400, "job id '" + id + "' is not allowed; use 1 to 100 of A-Z a-z 0-9 . _ -");
        }
        JobState s = data.job(id);
        if (s == null) {
            throw new WebError(404, "no job " + id + " (never submitted, or expired after its retention)");
        }
        return s;
    }

    private void pageFor(Context ctx, String file, FailedSignIns signIns) throws IOException {
        viewer(ctx, signIns);
        page(ctx, file);
    }

    private static void page(Context ctx, String file) throws IOException {
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8").result(resource(file));
    }

    private void asset(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        if (!file.matches("[a-z]+\\.(css|js)")) {
            throw new WebError(404, "no such file");
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8").result(resource(file));
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = OpsWeb.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new WebError(404, "no such file");
            }
            return in.readAllBytes();
        }
    }

    private static void json(Context ctx, Object body) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json").result(OpsJson.toJson(body));
    }

    /** An answer with a status and a message for people. */
    static final class WebError extends RuntimeException {
        private final int status;

        WebError(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
