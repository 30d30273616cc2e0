package io.deployster.gateway;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.queue.JobQueue.CancelOutcome;
import io.deployster.queue.ProjectView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The native API, v1 (docs/http-api.md). */
final class NativeRoutes {
    static final String PREFIX = "/api/v1";
    /** The body's allowed fields: a job spec's, and {@code stage}. */
    static final List<String> FIELDS = Stream.concat(JobCodec.SPEC_FIELDS.stream(), Stream.of("stage")).toList();
    /** The fields named to a caller who misspelt one: workflow and workflowTask are the engine's alone. */
    static final List<String> OFFERED = FIELDS.stream().filter(f -> !f.equals("workflow") && !f.equals("workflowTask")).toList();

    private final Requests requests;
    private final Deployments deployments;
    private final LogResponses logs;

    NativeRoutes(Requests requests, Deployments deployments, LogResponses logs) {
        this.requests = requests;
        this.deployments = deployments;
        this.logs = logs;
    }

    void register(RoutesConfig routes) {
        routes.post(PREFIX + "/jobs", this::submit);
        routes.get(PREFIX + "/jobs/{id}", this::status);
        routes.get(PREFIX + "/jobs/{id}/log", this::log);
        routes.post(PREFIX + "/jobs/{id}/cancel", this::cancel);
        routes.get(PREFIX + "/projects/{project}", this::project);
    }

    private Caller caller(Context ctx, Scope scope) {
        return requests.caller(ctx, () -> Requests.unauthenticated(ctx)).require(scope);
    }

    private void submit(Context ctx) {
        Caller caller = caller(ctx, Scope.SUBMIT);
        boolean wait = Requests.flag(ctx, "wait");
        String text = requests.body(ctx, true);
        JsonObject body = Json.object(text);
        for (String key : body.keySet()) {
            // a misspelt or foreign field (callback_url, spec) would be dropped silently: the job would run without it
            if (!FIELDS.contains(key)) {
                throw ApiError.of(400, key, Json.shorten(body.get(key).toString()), "the fields of a job spec (docs/protocol.md) and 'stage': "
                        + String.join(", ", OFFERED), "unknown field '" + key + "'");
            }
        }
        String stage = ctx.queryParam("stage");
        JsonElement stageField = body.get("stage");
        if (stage == null && stageField != null && !stageField.isJsonNull()) {
            stage = stageField.isJsonPrimitive() ? stageField.getAsString() : stageField.toString();
        }
        JobSpec requested;
        try {
            requested = JobCodec.parseSpec(text);
        } catch (InvalidJobException e) {
            throw ApiError.invalidJob(e.problems());
        }
        String id = deployments.submit(SpecDefaults.complete(requested, caller, stage));
        String url = requests.baseUrl(ctx) + PREFIX + "/jobs/" + id;
        ctx.header("Location", url);
        if (!wait) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("status", JobStatus.QUEUED.wireName());
            m.put("url", url);
            ctx.status(201).contentType("application/json").result(Json.write(m));
            return;
        }
        String base = requests.baseUrl(ctx);
        // held without a thread: the hub tells when the job ends, then one status read answers
        ctx.req().startAsync().setTimeout(0);
        ctx.future(() -> logs.awaitEnd(id).thenRun(() -> {
            JobState end = deployments.client().status(id);
            if (end == null) {
                throw ApiError.of(404, "id", id, "a job kept in Redis", "job '" + id + "' expired from Redis while it was awaited");
            }
            Map<String, Object> view = JobView.of(end, base);
            // a one-line CI step (curl --fail-with-body) fails when the deploy did not succeed
            ctx.status(end.status() == JobStatus.SUCCEEDED ? 200 : 422).contentType("application/json").result(Json.write(view));
        }));
    }

    private void status(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        JobState state = deployments.job(caller, ctx.pathParam("id"));
        Map<String, Object> view = JobView.of(state, requests.baseUrl(ctx));
        view.put("callback", deployments.client().callback(state.id())); // its delivery so far; null without a callback
        ctx.contentType("application/json").result(Json.write(view));
    }

    private void log(Context ctx) throws Exception {
        Caller caller = caller(ctx, Scope.READ);
        String id = ctx.pathParam("id");
        JobState state = deployments.job(caller, id);
        LogResponses.Format format = LogResponses.format(ctx);
        String after = LogResponses.after(ctx);
        boolean follow = Requests.flag(ctx, "follow") || format == LogResponses.Format.SSE;
        if (follow && !LogFollower.START.equals(after) && state.status().isTerminal() && deployments.client().log(id, after, 1).isEmpty()) {
            // resumed after the 'finished' entry (or past the end) of an ended job: nothing more will come,
            // so a follower would wait forever for an entry that is never written
            if (format == LogResponses.Format.SSE) {
                ctx.status(204); // an EventSource that resumes after the last entry stops reconnecting on 204
                return;
            }
            follow = false; // the (empty) rest of the log, at once
        }
        if (follow) {
            logs.follow(ctx, id, after, format);
        } else {
            logs.snapshot(ctx, id, after, format);
        }
    }

    private void cancel(Context ctx) {
        Caller caller = caller(ctx, Scope.CANCEL);
        String id = ctx.pathParam("id");
        deployments.job(caller, id);
        String reason = "cancelled through the HTTP gateway by token " + caller.readerId();
        CancelOutcome outcome = deployments.client().cancel(id, reason);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        switch (outcome) {
            case CANCELLED -> {
                m.put("outcome", "cancelled");
                m.put("message", "job " + id + " was cancelled before it started");
                ctx.status(200);
            }
            case REQUESTED -> {
                m.put("outcome", "stopping");
                m.put("message", "job " + id + " is running; its worker is stopping it");
                ctx.status(202);
            }
            case FINISHED -> {
                JobState s = deployments.client().status(id);
                throw ApiError.of(409, "id", id, "a job that is queued, waiting or running",
                        "job " + id + " has already ended (" + (s == null ? "ended" : s.status().wireName()) + "); nothing to cancel");
            }
            case UNKNOWN -> deployments.job(caller, id);
        }
        ctx.contentType("application/json").result(Json.write(m));
    }

    private void project(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        String name = ctx.pathParam("project");
        if (!caller.project().name().equals(name)) {
            throw ApiError.of(403, "project", name, "'" + caller.project().name() + "' (the project of the token)",
                    "token '" + caller.token().name() + "' may read project '" + caller.project().name() + "' only");
        }
        ProjectView.Snapshot snap = deployments.snapshot(name);
        String base = requests.baseUrl(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", name);
        m.put("queue", caller.project().queue());
        JobState holder = snap.lockHolder() == null ? null : deployments.client().status(snap.lockHolder());
        m.put("lockHolder", holder == null ? null : JobView.of(holder, base));
        List<Object> waiting = new ArrayList<>();
        for (String id : snap.waiting()) {
            JobState s = deployments.client().status(id);
            if (s != null) {
                waiting.add(JobView.of(s, base));
            }
        }
        m.put("waiting", waiting);
        List<Object> last = new ArrayList<>();
        for (String id : deployments.recent(name)) {
            JobState s = deployments.client().status(id);
            if (s != null) {
                last.add(JobView.of(s, base));
            }
        }
        m.put("lastDeploys", last);
        ctx.contentType("application/json").result(Json.write(m));
    }
}
