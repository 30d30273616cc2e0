package io.deployster.gateway;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.log.LogFormat;
import io.deployster.queue.ProjectView;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.workflow.WorkflowSpec;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes of the queued-deploy service with a per-project token, as its clients call them:
 * {@code POST /deploy} and {@code GET /status/<job_id>}, token in {@code x-deployster-token}.
 * Replies keep that service's shapes, including its {@code {"error": "Unauthorized"}}.
 */
final class QueuedDeployRoutes {
    /** The rule the service enforced on a deploy's last command; supervisorctl may name its config (-c) or server (-s). */
    static final Pattern SUPERVISOR_RESTART = Pattern.compile(
            "\\s*(sudo\\s+(-n\\s+)?)?supervisorctl(\\s+(-[cs]\\s+\\S+|--(configuration|serverurl)=\\S+))*\\s+(start|restart)\\s+[A-Za-z0-9_.:*-]+\\s*");
    /** What a job refused by that rule runs instead: it prints the reason and fails; nothing the client sent runs. */
    static final String REFUSAL = "echo 'deployster: not deployed: the last command must be \"supervisorctl start <program>\" or "
            + "\"supervisorctl restart <program>\" (requireSupervisorRestart of this project in the gateway config); none of the "
            + "given commands ran' >&2; exit 1";
    private static final int MAX_LINES_PER_REPLY = 50_000;

    private final Requests requests;
    private final Deployments deployments;
    private final Redis redis;
    private final Keys keys;
    private final QueueSettings settings;
    private final TaskListRoutes taskLists;

    /** @param taskLists answers {@code GET /status/<id>} for the ids of task lists, which share this route */
    QueuedDeployRoutes(Requests requests, Deployments deployments, Redis redis, Keys keys, QueueSettings settings, TaskListRoutes taskLists) {
        this.taskLists = taskLists;
        this.requests = requests;
        this.deployments = deployments;
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
    }

    void register(RoutesConfig routes) {
        routes.post("/deploy", this::deploy);
        routes.get("/status/{jobId}", this::status);
    }

    private Caller caller(Context ctx, Scope scope) {
        Caller c = requests.caller(ctx, () -> ApiError.raw(403, Map.of("error", "Unauthorized")));
        if (!c.token().allows(scope)) {
            throw ApiError.raw(403, Map.of("error", "Unauthorized"));
        }
        return c;
    }

    private void deploy(Context ctx) {
        Caller caller = caller(ctx, Scope.SUBMIT);
        GatewayConfig.Project p = caller.project();
        // its clients send JSON with or without a Content-Type (curl -d): the body decides
        JsonObject body = Json.object(requests.body(ctx, false));
        String cd = text(body, "cd", p.defaults().cd());
        List<String> commands = commands(body, p.defaults().commands());
        String ref = text(body, "ref_name", null);
        String commit = text(body, "commit_hash", null);
        Map<String, String> env = ref != null && p.stages().containsKey(ref) ? p.stages().get(ref).env() : null;
        if (p.requireSupervisorRestart() && !commands.isEmpty() && !SUPERVISOR_RESTART.matcher(commands.get(commands.size() - 1)).matches()) {
            commands = List.of(REFUSAL);
            env = null;
        }
        JobSpec spec = JobSpec.commands(p.name(), cd, commands).queue(p.queue()).ref(ref).commit(commit).env(env)
                .timeoutSeconds(p.defaults().timeoutSeconds()).submittedBy("gateway token " + caller.readerId() + " (POST /deploy)").build();
        ProjectView.Snapshot before = deployments.snapshot(p.name());
        String id = deployments.submit(spec);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("job_id", id);
        if (before.lockHolder() != null || !before.waiting().isEmpty()) {
            reply.put("queued", true);
            reply.put("message", "Another deployment is running; this job is queued.");
        }
        ctx.status(200).contentType("application/json").result(Json.write(reply));
    }

    /** Status and the output this reader has not had yet; its read position is kept in Redis, expiring with the job. */
    private void status(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        String id = ctx.pathParam("jobId");
        JobState state;
        try {
            state = deployments.find(caller, id);
        } catch (ApiError e) {
            state = null;
        }
        if (state == null) {
            throw ApiError.raw(404, Map.of("status", "not_found"));
        }
        WorkflowSpec workflow = deployments.workflowSpec(id);
        if (workflow != null && workflow.taskList() != null) {
            taskLists.status(ctx, state, workflow);
            return;
        }
        // the state is read before the log: once it says ended, every entry is already in the log
        String positionKey = keys.gatewayReadPosition(caller.readerId(), id);
        String after = redis.get(positionKey);
        String from = after == null ? LogFollower.START : after;
        StringBuilder logs = new StringBuilder();
        List<LogEntry> entries = new ArrayList<>();
        String last = from;
        while (entries.size() < MAX_LINES_PER_REPLY) {
            List<LogEntry> page = deployments.client().log(id, last, 5000);
            entries.addAll(page);
            if (!page.isEmpty()) {
                last = page.get(page.size() - 1).id();
            }
            if (page.size() < 5000) {
                break;
            }
        }
        boolean more = entries.size() >= MAX_LINES_PER_REPLY;
        for (LogEntry e : entries) {
            String line = LogFormat.render(e);
            if (line != null) {
                logs.append(line).append('\n');
            }
        }
        if (!last.equals(from)) {
            // the position lives as long as the job does
            redis.setForLifeOf(positionKey, last, keys.job(id), settings.retention().toMillis());
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", more ? "running" : status(state));
        reply.put("logs", logs.toString());
        ctx.status(200).contentType("application/json").result(Json.write(reply));
    }

    private static String status(JobState s) {
        return switch (s.status()) {
            case QUEUED, WAITING -> "queued";
            case RUNNING -> "running";
            case SUCCEEDED -> "complete";
            default -> "failed";
        };
    }

    private static String text(JsonObject body, String field, String dflt) {
        JsonElement e = body.get(field);
        if (e == null || e.isJsonNull()) {
            return dflt;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.of(400, field, e.toString(), "a JSON string", "'" + field + "' must be a string");
        }
        return e.getAsString();
    }

    private static List<String> commands(JsonObject body, List<String> dflt) {
        JsonElement e = body.get("commands");
        if (e == null || e.isJsonNull()) {
            if (dflt == null) {
                throw ApiError.of(400, "commands", null, "a JSON list of shell commands, the last one 'supervisorctl restart <program>'",
                        "no commands given and the project has no default commands");
            }
            return dflt;
        }
        if (!e.isJsonArray()) {
            throw ApiError.of(400, "commands", e.toString(), "a JSON list of strings", "'commands' must be a list of strings");
        }
        JsonArray a = e.getAsJsonArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement c = a.get(i);
            if (!c.isJsonPrimitive() || !c.getAsJsonPrimitive().isString()) {
                throw ApiError.of(400, "commands[" + i + "]", c.toString(), "a string", "each command must be a string");
            }
            out.add(c.getAsString());
        }
        return out;
    }
}
