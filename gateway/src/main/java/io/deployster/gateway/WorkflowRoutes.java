package io.deployster.gateway;

import io.deployster.callback.Delivery;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.workflow.WorkflowParser;
import io.deployster.workflow.WorkflowResult;
import io.deployster.workflow.WorkflowSpec;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Workflows over the native API (docs/http-api.md, docs/workflows.md): {@code POST /api/v1/workflows}
 * takes the workflow file as JSON or YAML, the project comes from the token; {@code GET
 * /api/v1/workflows/{id}} gives its state and each task's result. Its log and cancel are the job
 * routes' ({@code /api/v1/jobs/{id}/log}, {@code /api/v1/jobs/{id}/cancel}): a workflow id is a job id.
 */
final class WorkflowRoutes {
    /** Media types a workflow may be sent as; YAML's has several names in use. */
    static final List<String> TYPES = List.of("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");

    private final Requests requests;
    private final Deployments deployments;
    private final WorkflowParser parser = new WorkflowParser();

    WorkflowRoutes(Requests requests, Deployments deployments) {
        this.requests = requests;
        this.deployments = deployments;
    }

    void register(RoutesConfig routes) {
        routes.post(NativeRoutes.PREFIX + "/workflows", this::submit);
        routes.get(NativeRoutes.PREFIX + "/workflows/{id}", this::status);
    }

    private Caller caller(Context ctx, Scope scope) {
        return requests.caller(ctx, () -> Requests.unauthenticated(ctx)).require(scope);
    }

    private void submit(Context ctx) {
        Caller caller = caller(ctx, Scope.SUBMIT);
        String type = ctx.contentType();
        String base = type == null ? null : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (base == null || !TYPES.contains(base)) { // List.of(...).contains(null) throws: a missing type is a 415 too
            throw ApiError.of(415, "Content-Type", type, String.join(", ", TYPES), "send the workflow as JSON or YAML");
        }
        WorkflowSpec spec;
        try {
            spec = parser.parse(requests.body(ctx, false));
        } catch (InvalidJobException e) {
            throw ApiError.invalid("workflow", e.problems());
        }
        String project = caller.project().name();
        if (spec.project() != null && !spec.project().equals(project)) {
            throw ApiError.of(403, "project", spec.project(), "'" + project + "' (the project of the token), or leave it out",
                    "token '" + caller.token().name() + "' submits for project '" + project + "' only");
        }
        spec = spec.withProject(project).withDefaultQueue(caller.project().queue()); // as for jobs: the project's configured queue
        spec = spec.withSubmittedBy(caller.submittedBy(spec.submittedBy(), "POST /api/v1/workflows"));
        String id = deployments.submitWorkflow(spec);
        String url = requests.baseUrl(ctx) + NativeRoutes.PREFIX + "/workflows/" + id;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", JobStatus.QUEUED.wireName());
        m.put("url", url);
        m.put("logUrl", requests.baseUrl(ctx) + NativeRoutes.PREFIX + "/jobs/" + id + "/log");
        ctx.header("Location", url);
        ctx.status(201).contentType("application/json").result(Json.write(m));
    }

    private void status(Context ctx) {
        Caller caller = caller(ctx, Scope.READ);
        String id = ctx.pathParam("id");
        JobState state = deployments.job(caller, id);
        WorkflowResult result = deployments.client().workflow(id);
        if (result == null) {
            throw ApiError.of(404, "id", id, "the id of a workflow (this is a job: use " + NativeRoutes.PREFIX + "/jobs/" + id + ")",
                    "'" + id + "' is a job, not a workflow");
        }
        ctx.contentType("application/json").result(Json.write(view(state, result, deployments.client().callback(id), requests.baseUrl(ctx))));
    }

    /** The job view of the workflow, plus {@code tasks} (by name, TaskResult with epoch-ms times) and {@code callback}. */
    static Map<String, Object> view(JobState state, WorkflowResult result, Delivery callback, String baseUrl) {
        Map<String, Object> m = JobView.of(state, baseUrl);
        m.put("url", baseUrl + NativeRoutes.PREFIX + "/workflows/" + state.id());
        m.put("tasks", result.tasks());
        m.put("callback", callback);
        return m;
    }
}
