package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.callback.CallbackSignature;
import io.deployster.policy.WorkerPolicy;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.CallbackReceiver;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The task-list route end to end: a real gateway, a real worker, a real Redis and a real local callback
 * receiver. Images of the project's {@code taskList.images} run as command tasks (no container engine
 * runs on the machines this is tested on); an unmapped image runs as a container task.
 */
class TaskListRouteTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    static final Duration WAIT = Duration.ofSeconds(60);
    // the task prints its first argument on stdout and on stderr, and exits with its second
    static final String SCRIPT = "echo \"out $1\"; echo \"err $1\" >&2; exit \"$2\"";

    GatewayFixture gw;
    CallbackReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new CallbackReceiver(0);
        gw = new GatewayFixture(redis.uri(), """
                maxBodyBytes: 4096
                projects:
                  runner:
                    queue: tasks
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read, cancel]}
                      - {name: viewer, sha256: %s, scopes: [read]}
                    taskList:
                      engine: deployster-no-such-engine
                      images:
                        "tools:1": [sh, -c, '%s', task]
                        "sleeper:1": [sleep]
                  other:
                    queue: other-q
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read]}
                """.formatted(GatewayFixture.sha256("runner-token"), GatewayFixture.sha256("viewer-token"), SCRIPT.replace("'", "''"),
                GatewayFixture.sha256("other-token")),
                WorkerPolicy.of(Map.of("cd.*", "/", "callbacks.*", "127.0.0.1/32")), "tasks");
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
        receiver.close();
    }

    private String submitBody(String image, String... nameAndArgs) {
        JsonObject o = new JsonObject();
        o.addProperty("image_name", image);
        o.addProperty("callback_url", receiver.url("/results"));
        JsonArray tasks = new JsonArray();
        for (String t : nameAndArgs) {
            String[] parts = t.split(" ");
            JsonObject task = new JsonObject();
            task.addProperty("task_name", parts[0]);
            JsonArray args = new JsonArray();
            for (int i = 1; i < parts.length; i++) {
                args.add(parts[i]);
            }
            task.add("task_args", args);
            tasks.add(task);
        }
        o.add("tasks", tasks);
        return o.toString();
    }

    // GET /status/<id> as the project's token, for conditions waited on
    private JsonObject status(String id) {
        try {
            return json(gw.get("/status/" + id, "runner-token"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void eachTasksExitStatusAndItsStdoutAndStderrApartReachTheCallbackSigned() throws Exception {
        HttpResponse<String> r = gw.postJson("/submit", "runner-token", submitBody("tools:1", "greet hello 0", "fail world 3"));
        assertEquals(200, r.statusCode(), r.body());
        String id = json(r).get("id").getAsString();
        assertEquals(gw.url + "/status/" + id, json(r).get("status_url").getAsString());

        CallbackReceiver.Received cb = receiver.next(WAIT);
        assertEquals("/results", cb.target().replaceFirst("^http://[^/]+", ""));
        CallbackSignature.verify(CallbackSignature.receiverKeys(KeyRing.parse(GatewayFixture.KEYS, "test")), cb.header(CallbackSignature.HEADER), cb.body(),
                System.currentTimeMillis(), CallbackSignature.TOLERANCE);
        JsonObject body = JsonParser.parseString(cb.text()).getAsJsonObject();
        assertEquals("tools:1", body.get("__image").getAsString());
        assertEquals(receiver.url("/results"), body.get("__callback_url").getAsString());
        JsonArray tasks = body.getAsJsonArray("tasks");
        assertEquals(2, tasks.size());
        JsonObject greet = tasks.get(0).getAsJsonObject();
        assertEquals("greet", greet.get("name").getAsString());
        assertEquals(0, greet.get("status").getAsInt());
        assertEquals("[\"hello\",\"0\"]", greet.get("args").toString());
        assertEquals("out hello\n", greet.getAsJsonObject("result").get("stdout").getAsString());
        assertEquals("err hello\n", greet.getAsJsonObject("result").get("stderr").getAsString());
        JsonObject fail = tasks.get(1).getAsJsonObject();
        assertEquals("fail", fail.get("name").getAsString());
        assertEquals(3, fail.get("status").getAsInt());
        assertEquals("out world\n", fail.getAsJsonObject("result").get("stdout").getAsString());
        assertEquals("err world\n", fail.getAsJsonObject("result").get("stderr").getAsString());

        Await.until("delivery recorded as delivered", WAIT, () -> status(id).get("callback").isJsonObject()
                && "delivered".equals(status(id).getAsJsonObject("callback").get("state").getAsString()));
        JsonObject status = json(gw.get("/status/" + id, "runner-token"));
        assertEquals("failed", status.get("status").getAsString());
        assertEquals("failed", status.get("state").getAsString());
        assertEquals("delivered", status.getAsJsonObject("callback").get("state").getAsString());
        JsonArray st = status.getAsJsonArray("tasks");
        assertEquals("succeeded", st.get(0).getAsJsonObject().get("state").getAsString());
        assertEquals(0, st.get(0).getAsJsonObject().get("status").getAsInt());
        assertEquals("failed", st.get(1).getAsJsonObject().get("state").getAsString());
        assertEquals(3, st.get(1).getAsJsonObject().get("status").getAsInt());
    }

    @Test
    void curlSubmitsPollsStatusUntilCompleteAndTheReceiverGetsTheResults() throws Exception {
        Tools.require("curl", "apt-get install -y curl");
        String submitted = curl("-X", "POST", gw.url + "/submit", "-H", "Authorization: Bearer runner-token",
                "-H", "Content-Type: application/json", "-d", submitBody("tools:1", "one a 0", "two b 0"));
        String id = JsonParser.parseString(submitted).getAsJsonObject().get("id").getAsString();
        Await.until("task list complete", WAIT, () -> JsonParser.parseString(curl(gw.url + "/status/" + id, "-H", "x-deployster-token: runner-token"))
                .getAsJsonObject().get("status").getAsString().equals("complete"));
        JsonObject body = JsonParser.parseString(receiver.next(WAIT).text()).getAsJsonObject();
        List<String> outs = new ArrayList<>();
        body.getAsJsonArray("tasks").forEach(t -> outs.add(t.getAsJsonObject().get("name").getAsString() + ":"
                + t.getAsJsonObject().get("status").getAsInt() + ":" + t.getAsJsonObject().getAsJsonObject("result").get("stdout").getAsString()));
        assertEquals(List.of("one:0:out a\n", "two:0:out b\n"), outs);
    }

    @Test
    void anUnmappedImageRunsAsAContainerTaskAndTheCallbackCarriesTheEnginesError() throws Exception {
        HttpResponse<String> r = gw.postJson("/submit", "runner-token", submitBody("alpine:3", "hi echo hi"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject task = JsonParser.parseString(receiver.next(WAIT).text()).getAsJsonObject().getAsJsonArray("tasks").get(0).getAsJsonObject();
        assertEquals(127, task.get("status").getAsInt());
        assertEquals("", task.getAsJsonObject("result").get("stdout").getAsString());
        assertEquals("deployster: container engine 'deployster-no-such-engine' is not installed on this worker (not found on PATH); "
                + "install it or set the task's engine\n", task.getAsJsonObject("result").get("stderr").getAsString());
    }

    @Test
    void cancelStopsEveryRunningTask() throws Exception {
        String id = json(gw.postJson("/submit", "runner-token", submitBody("sleeper:1", "long 60", "longer 90"))).get("id").getAsString();
        Await.until("both tasks running", WAIT, () -> {
            JsonArray t = status(id).getAsJsonArray("tasks");
            return "running".equals(t.get(0).getAsJsonObject().get("state").getAsString())
                    && "running".equals(t.get(1).getAsJsonObject().get("state").getAsString());
        });
        HttpResponse<String> c = gw.http.send(gw.request("/api/v1/jobs/" + id + "/cancel", "runner-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, c.statusCode(), c.body());
        Await.until("task list ended", WAIT, () -> !status(id).get("state").getAsString().equals("running"));
        JsonObject status = json(gw.get("/status/" + id, "runner-token"));
        assertEquals("cancelled", status.get("state").getAsString());
        status.getAsJsonArray("tasks").forEach(t -> assertEquals("cancelled", t.getAsJsonObject().get("state").getAsString(), t.toString()));
    }

    @Test
    void everyRefusalNamesTheFieldTheValueAndWhatIsAllowed() throws Exception {
        HttpResponse<String> r = gw.postJson("/submit", null, submitBody("tools:1", "a x 0"));
        assertEquals(401, r.statusCode());
        assertEquals("Authorization", json(r).get("field").getAsString());

        r = gw.postJson("/submit", "viewer-token", submitBody("tools:1", "a x 0"));
        assertEquals(403, r.statusCode());
        assertEquals("scope", json(r).get("field").getAsString());
        assertEquals("submit", json(r).get("value").getAsString());

        r = gw.http.send(gw.request("/submit", "runner-token").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(submitBody("tools:1", "a x 0"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, r.statusCode());
        assertEquals("application/json", json(r).get("allowed").getAsString());

        r = gw.postJson("/submit", "runner-token", submitBody("tools:1", "a " + "x".repeat(5000) + " 0"));
        assertEquals(413, r.statusCode());
        assertEquals("body", json(r).get("field").getAsString());

        assertRefused("{\"tasks\": [{\"task_name\": \"a\"}]}", "image_name", null);
        assertRefused("{\"image_name\": \"Not an image!\", \"tasks\": [{\"task_name\": \"a\"}]}", "image_name", "Not an image!");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": []}", "tasks", "[]");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\", \"task_args\": [\"x\", 5]}]}", "tasks[0].task_args[1]", "5");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\"}, {\"task_name\": \"a\"}]}", "tasks[1].task_name", "a");
        // arguments are literal here: a reference is refused, not read as another task's output
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\", \"task_args\": [\"${tasks.b.outputs.x}\"]}, "
                + "{\"task_name\": \"b\"}]}", "tasks[0].task_args[0]", "${tasks.b.outputs.x}");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\", \"task_args\": [\"ok\", \"x\\u0000y\"]}]}",
                "tasks[0].task_args[1]", "x\\0y");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a b\"}]}", "tasks[0].task_name", "a b");
        assertRefused("{\"image_name\": \"tools:1\", \"callback_url\": \"ftp://x/\", \"tasks\": [{\"task_name\": \"a\"}]}", "callback_url", "ftp://x/");
        assertRefused("{\"image_name\": \"tools:1\", \"callback_url\": \"http://127.0.0.1:99999/a\", \"tasks\": [{\"task_name\": \"a\"}]}",
                "callback_url", "http://127.0.0.1:99999/a");
        String twice = "{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\", \"task_name\": \"b\"}]}";
        assertRefused(twice, "tasks[0].task_name", twice);
        assertRefused("{\"image_name\": \"tools:1\", \"priority\": 1, \"tasks\": [{\"task_name\": \"a\"}]}", "priority", "1");
        assertRefused("{\"image_name\": \"tools:1\", \"tasks\": [{\"task_name\": \"a\", \"timeout\": 3}]}", "tasks[0].timeout", "3");

        r = gw.get("/status/20240101-000000-nosuchid", "runner-token");
        assertEquals(404, r.statusCode());
        assertEquals("not_found", json(r).get("status").getAsString());
        String id = json(gw.postJson("/submit", "runner-token", submitBody("tools:1", "a x 0"))).get("id").getAsString();
        assertEquals(404, gw.get("/status/" + id, "other-token").statusCode(), "another project's task list is not found");
        r = gw.get("/status/" + id, null);
        assertEquals(403, r.statusCode());
        assertEquals("Unauthorized", json(r).get("error").getAsString());
    }

    private void assertRefused(String body, String field, String value) throws Exception {
        HttpResponse<String> r = gw.postJson("/submit", "runner-token", body);
        assertEquals(400, r.statusCode(), body + " -> " + r.body());
        JsonObject e = json(r);
        assertEquals(field, e.get("field").getAsString(), r.body());
        if (value == null) {
            assertTrue(e.get("value").isJsonNull(), r.body());
        } else {
            assertEquals(value, e.get("value").getAsString(), r.body());
        }
        assertTrue(e.has("allowed") && !e.get("allowed").getAsString().isEmpty(), r.body());
    }

    private static String curl(String... args) {
        try {
            List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body"));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "curl " + args[0] + ": " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
