package io.deployster.gateway;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The three routes of the continuous-deployment API: {@code POST /deploy/<repo>/<tag>} queues the
 * repo's playbook with the tag, {@code GET /queue/<id>} says 202 while it runs and 303 to the result
 * once it ended, {@code GET /job_result/<id>} gives the whole output. A client following redirects
 * gets the result in one command.
 */
final class ContinuousDeployRoutes {
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._+-]{1,200}");

    private final Requests requests;
    private final Deployments deployments;

    ContinuousDeployRoutes(Requests requests, Deployments deployments) {
        this.requests = requests;
        this.deployments = deployments;
    }

    void register(RoutesConfig routes) {
        routes.post("/deploy/{repo}/{tag}", this::deploy);
        routes.get("/queue/{id}", this::queue);
        routes.get("/job_result/{id}", this::result);
    }

    private Caller caller(Context ctx, Scope scope) {
        return requests.caller(ctx, () -> Requests.unauthenticated(ctx)).require(scope);
    }

    private void deploy(Context ctx) {
        Caller caller = caller(ctx, Scope.SUBMIT);
        String repoName = ctx.pathParam("repo");
        String tag = ctx.pathParam("tag");
        GatewayConfig.Repo repo = caller.project().repos().get(repoName);
        if (repo == null) {
            throw ApiError.of(404, "repo", repoName, caller.project().repos().isEmpty() ? "none: project '" + caller.project().name()
                    + "' lists no repos in the gateway config" : "one of " + String.join(", ", new TreeSet<>(caller.project().repos().keySet())),
                    "project '" + caller.project().name() + "' deploys no repo '" + repoName + "'");
        }
        if (!TAG.matcher(tag).matches()) {
            throw ApiError.of(400, "tag", tag, "1 to 200 of A-Z a-z 0-9 . _ + -", "not a tag");
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(repo.tagVariable(), tag);
        JobSpec spec = JobSpec.ansible(caller.project().name(), repo.playbook()).queue(caller.project().queue())
                .inventory(repo.inventory()).cwd(repo.cwd()).extraVars(vars).ref(tag)
                .timeoutSeconds(caller.project().defaults().timeoutSeconds())
                .submittedBy("gateway token " + caller.readerId() + " (POST /deploy/" + repoName + "/" + tag + ")").build();
        String id = deployments.submit(spec);
        String location = requests.baseUrl(ctx) + "/queue/" + id;
        ctx.status(202).header("Location", location).contentType("application/json")
                .result(Json.write(Map.of("id", id, "url", location)));
    }

    private void queue(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        String id = ctx.pathParam("id");
        JobState state = deployments.job(caller, id);
        String base = requests.baseUrl(ctx);
        if (state.status().isTerminal()) {
            ctx.status(303).header("Location", base + "/job_result/" + id);
        } else {
            ctx.status(202).header("Location", base + "/queue/" + id).header("Retry-After", "2");
        }
        ctx.contentType("application/json").result(Json.write(Map.of("id", id, "status", state.status().wireName())));
    }

    private void result(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        String id = ctx.pathParam("id");
        JobState state = deployments.job(caller, id);
        if (!state.status().isTerminal()) {
            ctx.header("Location", requests.baseUrl(ctx) + "/queue/" + id);
            throw ApiError.of(409, "id", id, "a job that has ended; poll " + requests.baseUrl(ctx) + "/queue/" + id,
                    "job " + id + " is " + state.status().wireName() + "; its result is not there yet");
        }
        StringBuilder out = new StringBuilder();
        String last = LogFollower.START;
        while (true) {
            List<LogEntry> page = deployments.client().log(id, last, 5000);
            for (LogEntry e : page) {
                if (e.isLine()) {
                    out.append(e.text()).append('\n');
                }
                last = e.id();
            }
            if (page.size() < 5000) {
                break;
            }
        }
        if (state.status() != JobStatus.SUCCEEDED) {
            out.append("[deployster] ").append(state.status().wireName())
                    .append(state.exitCode() == null ? "" : " (exit code " + state.exitCode() + ")")
                    .append(state.reason() == null ? "" : ": " + state.reason()).append('\n');
        }
        ctx.status(state.status() == JobStatus.SUCCEEDED ? 200 : 500).contentType("text/plain; charset=utf-8")
                .result(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
