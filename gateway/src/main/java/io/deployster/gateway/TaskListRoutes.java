package io.deployster.gateway;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.deployster.job.CallbackUrls;
import io.deployster.job.JobState;
import io.deployster.workflow.ContainerCommand;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.TaskSpec;
import io.deployster.workflow.WorkflowResult;
import io.deployster.workflow.WorkflowSpec;
import io.deployster.workflow.WorkflowValidator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one-shot task runner's API (docs/http-api.md, "Task lists"): {@code POST /submit} with
 * {@code {"image_name", "callback_url", "tasks": [{"task_name", "task_args": [...]}]}} queues one
 * workflow whose tasks all run at once, each {@code IMAGE ARGS} in a container removed afterwards (or,
 * for an image the project's {@code taskList.images} maps, {@code PREFIX ARGS} as a command task), and
 * answers its id. {@code GET /status/<id>} of such an id gives its state (the route is shared with the
 * queued-deploy service, see {@link QueuedDeployRoutes}); when every task ended, {@code callback_url}
 * receives each task's exit status and its stdout and stderr apart.
 */
final class TaskListRoutes {
    private static final Set<String> FIELDS = Set.of("image_name", "callback_url", "tasks");
    private static final Set<String> TASK_FIELDS = Set.of("task_name", "task_args");
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final Requests requests;
    private final Deployments deployments;

    TaskListRoutes(Requests requests, Deployments deployments) {
        this.requests = requests;
        this.deployments = deployments;
    }

    void register(RoutesConfig routes) {
        routes.post("/submit", this::submit);
    }

    private void submit(Context ctx) {
        Caller caller = requests.caller(ctx, () -> Requests.unauthenticated(ctx)).require(Scope.SUBMIT);
        JsonObject body = Json.object(requests.body(ctx, true));
        for (String key : body.keySet()) {
            if (!FIELDS.contains(key)) {
                throw ApiError.of(400, key, Json.shorten(body.get(key).toString()), "the fields image_name, callback_url, tasks",
                        "unknown field '" + key + "'");
            }
        }
        String image = text(body, "image_name", true);
        String callback = text(body, "callback_url", false);
        if (callback != null && CallbackUrls.problem(callback) != null) {
            throw ApiError.of(400, "callback_url", callback, CallbackUrls.problem(callback), "callback_url is not usable");
        }
        JsonElement tasksNode = body.get("tasks");
        if (tasksNode == null || !tasksNode.isJsonArray() || tasksNode.getAsJsonArray().isEmpty()
                || tasksNode.getAsJsonArray().size() > WorkflowValidator.MAX_TASKS) {
            throw ApiError.of(400, "tasks", tasksNode == null ? null : Json.shorten(tasksNode.toString()),
                    "a list of 1 to " + WorkflowValidator.MAX_TASKS + " objects {\"task_name\": ..., \"task_args\": [...]}", "no usable task list");
        }
        GatewayConfig.Project p = caller.project();
        GatewayConfig.TaskList settings = p.taskList();
        List<String> prefix = settings.images().get(image);
        if (prefix == null && !WorkflowValidator.IMAGE.matcher(image).matches()) {
            throw ApiError.of(400, "image_name", Json.shorten(image), "an image reference such as registry/name:tag (A-Z a-z 0-9 . _ / : @ -)",
                    "image_name is not an image reference");
        }
        Map<String, TaskSpec> tasks = new LinkedHashMap<>();
        Map<String, List<String>> argsByTask = new LinkedHashMap<>();
        JsonArray list = tasksNode.getAsJsonArray();
        for (int i = 0; i < list.size(); i++) {
            String at = "tasks[" + i + "]";
            if (!list.get(i).isJsonObject()) {
                throw ApiError.of(400, at, Json.shorten(list.get(i).toString()), "an object {\"task_name\": ..., \"task_args\": [...]}", "not a task");
            }
            JsonObject t = list.get(i).getAsJsonObject();
            for (String key : t.keySet()) {
                if (!TASK_FIELDS.contains(key)) {
                    throw ApiError.of(400, at + "." + key, Json.shorten(t.get(key).toString()), "the fields task_name, task_args",
                            "unknown field '" + key + "'");
                }
            }
            String name = text(t, at, "task_name", true);
            if (!TASK_NAME.matcher(name).matches()) {
                throw ApiError.of(400, at + ".task_name", name, "1 to 40 characters from A-Z a-z 0-9 _ -", "task name not allowed");
            }
            if (tasks.containsKey(name)) {
                throw ApiError.of(400, at + ".task_name", name, "a name not used by another task of the list", "task name given twice");
            }
            List<String> args = args(t, at);
            argsByTask.put(name, args);
            tasks.put(name, prefix != null ? command(settings, p, prefix, args) : container(settings, p, image, args));
        }
        WorkflowSpec spec = new WorkflowSpec(p.name(), "gateway token " + caller.readerId() + " (POST /submit)", null, null, null,
                callback, tasks, new WorkflowSpec.TaskList(image, argsByTask));
        String id = deployments.submitWorkflow(spec);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status_url", requests.baseUrl(ctx) + "/status/" + id);
        ctx.status(200).contentType("application/json").result(Json.write(m));
    }

    private static TaskSpec container(GatewayConfig.TaskList s, GatewayConfig.Project p, String image, List<String> args) {
        // taskList.cd when set, else the container task's own default (/): the engine's CLI needs no project directory
        return new TaskSpec(TaskSpec.CONTAINER, queue(s, p), null, timeout(s, p), null, s.cd(), null, null, null, null, null, null, null,
                null, null, null, null, image, args, s.engine());
    }

    // the words are quoted one by one: an argument never becomes shell syntax
    private static TaskSpec command(GatewayConfig.TaskList s, GatewayConfig.Project p, List<String> prefix, List<String> args) {
        List<String> words = new ArrayList<>(prefix);
        words.addAll(args);
        String command = String.join(" ", words.stream().map(ContainerCommand::quote).toList());
        String cd = s.cd() != null ? s.cd() : p.defaults().cd() != null ? p.defaults().cd() : "/";
        return new TaskSpec(TaskSpec.COMMANDS, queue(s, p), null, timeout(s, p), null, cd, List.of(command), null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    private static String queue(GatewayConfig.TaskList s, GatewayConfig.Project p) {
        return s.queue() != null ? s.queue() : p.queue();
    }

    private static Integer timeout(GatewayConfig.TaskList s, GatewayConfig.Project p) {
        return s.timeoutSeconds() != null ? s.timeoutSeconds() : p.defaults().timeoutSeconds();
    }

    /**
     * {@code GET /status/<id>} of a task list: {@code id}, {@code status} (queued, running, complete or
     * failed, as the route answers for deploys), {@code state} (the workflow's own status), and
     * {@code tasks} in the order given, each {@code name}, {@code state} and {@code status} (its exit
     * status, null until it ran), and {@code callback} (its delivery so far, or null).
     */
    void status(Context ctx, JobState state, WorkflowSpec spec) {
        WorkflowResult result = deployments.client().workflow(state.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", state.id());
        m.put("status", switch (state.status()) {
            case QUEUED, WAITING -> "queued";
            case RUNNING -> "running";
            case SUCCEEDED -> "complete";
            default -> "failed";
        });
        m.put("state", state.status().wireName());
        m.put("reason", state.reason());
        m.put("__image", spec.taskList().image());
        List<Object> tasks = new ArrayList<>();
        for (Map.Entry<String, TaskResult> e : result.tasks().entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            t.put("state", e.getValue().status());
            t.put("status", e.getValue().exitCode());
            t.put("args", spec.taskList().args().getOrDefault(e.getKey(), List.of()));
            tasks.add(t);
        }
        m.put("tasks", tasks);
        m.put("callback", deployments.client().callback(state.id()));
        ctx.status(200).contentType("application/json").result(Json.write(m));
    }

    private static String text(JsonObject o, String field, boolean required) {
        return text(o, null, field, required);
    }

    private static String text(JsonObject o, String at, String field, boolean required) {
        String name = at == null ? field : at + "." + field;
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw ApiError.of(400, name, null, "a non-empty string", "'" + name + "' is missing");
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isEmpty()) {
            throw ApiError.of(400, name, Json.shorten(e.toString()), "a non-empty string", "'" + name + "' must be a non-empty string");
        }
        return e.getAsString();
    }

    private static List<String> args(JsonObject t, String at) {
        JsonElement e = t.get("task_args");
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (!e.isJsonArray()) {
            throw ApiError.of(400, at + ".task_args", Json.shorten(e.toString()), "a list of strings", "task_args must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        JsonArray a = e.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                throw ApiError.of(400, at + ".task_args[" + i + "]", Json.shorten(x.toString()), "a string (numbers too go as strings)",
                        "each argument must be a string");
            }
            out.add(x.getAsString());
        }
        return out;
    }
}
