package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.callback.CallbackSignature;
import io.deployster.policy.WorkerPolicy;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.CallbackReceiver;
import io.deployster.testing.RealRedis;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /api/v1/workflows} and {@code GET /api/v1/workflows/{id}} on a real gateway, worker, Redis and callback receiver. */
class WorkflowRoutesTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    static final Duration WAIT = Duration.ofSeconds(60);

    GatewayFixture gw;
    CallbackReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new CallbackReceiver(0);
        gw = new GatewayFixture(redis.uri(), """
                maxBodyBytes: 4096
                projects:
                  shop:
                    queue: build
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read]}
                      - {name: viewer, sha256: %s, scopes: [read]}
                  blog:
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read]}
                """.formatted(GatewayFixture.sha256("shop-token"), GatewayFixture.sha256("viewer-token"), GatewayFixture.sha256("blog-token")),
                WorkerPolicy.of(Map.of("cd.*", "/tmp", "callbacks.*", "127.0.0.1/32")), "build", "proxy");
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
        receiver.close();
    }

    private HttpResponse<String> post(String token, String type, String body) throws Exception {
        HttpRequest.Builder b = gw.request("/api/v1/workflows", token).POST(HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        return gw.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject workflow(String id) {
        try {
            return JsonParser.parseString(gw.get("/api/v1/workflows/" + id, "shop-token").body()).getAsJsonObject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void aYamlWorkflowRunsForTheTokensProjectAndReportsEachTaskAndItsCallback() throws Exception {
        HttpResponse<String> r = post("shop-token", "application/yaml", """
                callbackUrl: %s
                defaults: {cd: /tmp}
                tasks:
                  build: {queue: build, commands: ["echo bundle=shop-1.tgz >> $DEPLOYSTER_OUTPUT"]}
                  proxy: {queue: proxy, needs: [build], commands: ["echo routing ${tasks.build.outputs.bundle}"]}
                """.formatted(receiver.url("/wf")));
        assertEquals(201, r.statusCode(), r.body());
        String id = json(r).get("id").getAsString();
        assertEquals(gw.url + "/api/v1/workflows/" + id, r.headers().firstValue("Location").orElseThrow());
        assertEquals(gw.url + "/api/v1/jobs/" + id + "/log", json(r).get("logUrl").getAsString());

        CallbackReceiver.Received cb = receiver.next(WAIT);
        CallbackSignature.verify(CallbackSignature.receiverKeys(KeyRing.parse(GatewayFixture.KEYS, "test")), cb.header(CallbackSignature.HEADER), cb.body(),
                System.currentTimeMillis(), CallbackSignature.TOLERANCE);
        JsonObject body = JsonParser.parseString(cb.text()).getAsJsonObject();
        assertEquals("workflow", body.get("kind").getAsString());
        assertEquals("shop", body.get("project").getAsString());
        assertEquals("succeeded", body.get("status").getAsString());

        Await.until("callback recorded as delivered", WAIT, () -> workflow(id).get("callback").isJsonObject()
                && "delivered".equals(workflow(id).getAsJsonObject("callback").get("state").getAsString()));
        JsonObject w = workflow(id);
        assertEquals("succeeded", w.get("status").getAsString());
        assertEquals("shop", w.get("project").getAsString());
        assertTrue(w.get("submittedBy").getAsString().contains("shop.ci"), w.toString());
        JsonObject build = w.getAsJsonObject("tasks").getAsJsonObject("build");
        assertEquals("succeeded", build.get("status").getAsString());
        assertEquals(0, build.get("exitCode").getAsInt());
        assertEquals("shop-1.tgz", build.getAsJsonObject("outputs").get("bundle").getAsString());
        assertTrue(build.get("endedAt").getAsLong() >= build.get("startedAt").getAsLong());
        assertEquals("proxy", w.getAsJsonObject("tasks").getAsJsonObject("proxy").get("queue").getAsString());
        assertEquals("delivered", w.getAsJsonObject("callback").get("state").getAsString());
        // the combined log is the job route's
        String log = gw.get("/api/v1/jobs/" + id + "/log", "shop-token").body();
        assertTrue(log.contains("[proxy] routing shop-1.tgz"), log);
    }

    @Test
    void aJsonWorkflowNamingItsOwnProjectIsTakenAsIs() throws Exception {
        HttpResponse<String> r = post("shop-token", "application/json; charset=utf-8",
                "{\"project\": \"shop\", \"tasks\": {\"one\": {\"queue\": \"build\", \"cd\": \"/tmp\", \"commands\": [\"true\"]}}}");
        assertEquals(201, r.statusCode(), r.body());
        String id = json(r).get("id").getAsString();
        Await.until("workflow ended", WAIT, () -> workflow(id).get("ended").getAsBoolean());
        assertEquals("succeeded", workflow(id).get("status").getAsString());
    }

    @Test
    void everyRefusalNamesTheFieldTheValueAndWhatIsAllowed() throws Exception {
        String ok = "tasks: {one: {queue: build, cd: /tmp, commands: [\"true\"]}}";
        HttpResponse<String> r = post(null, "application/yaml", ok);
        assertEquals(401, r.statusCode());
        assertEquals("Authorization", json(r).get("field").getAsString());

        r = post("viewer-token", "application/yaml", ok);
        assertEquals(403, r.statusCode());
        assertEquals("scope", json(r).get("field").getAsString());

        r = post("shop-token", "application/yaml", "project: blog\n" + ok);
        assertEquals(403, r.statusCode());
        assertEquals("project", json(r).get("field").getAsString());
        assertEquals("blog", json(r).get("value").getAsString());

        r = post("shop-token", "text/plain", ok);
        assertEquals(415, r.statusCode());
        assertEquals("Content-Type", json(r).get("field").getAsString());
        assertTrue(json(r).get("allowed").getAsString().contains("application/yaml"), r.body());

        r = post("shop-token", null, ok);
        assertEquals(415, r.statusCode(), "no Content-Type: " + r.body());
        assertEquals("Content-Type", json(r).get("field").getAsString());
        assertTrue(json(r).get("value").isJsonNull(), r.body());

        r = post("shop-token", "application/yaml", "tasks: {one: {queue: \"\", cd: /tmp, commands: [\"true\"]}}");
        assertEquals(400, r.statusCode());
        assertEquals("tasks.one.queue", json(r).get("field").getAsString(), r.body());

        r = post("shop-token", "application/yaml", ok + "\n# " + "x".repeat(5000));
        assertEquals(413, r.statusCode());

        r = post("shop-token", "application/yaml", "tasks: {one: {queue: build, cd: /tmp, commands: [\"true\"], needs: [two]}}");
        assertEquals(400, r.statusCode());
        assertEquals("tasks.one.needs[0]", json(r).get("field").getAsString(), r.body());
        assertEquals("two", json(r).get("value").getAsString());
        assertTrue(json(r).get("error").getAsString().startsWith("invalid workflow: "), r.body());

        r = post("shop-token", "application/yaml", "tasks: {one: {queue: build, cd: /tmp, commandz: [\"true\"]}}");
        assertEquals(400, r.statusCode());
        assertEquals("tasks.one.commandz", json(r).get("field").getAsString(), r.body());

        r = gw.get("/api/v1/workflows/20240101-000000-nosuchid", "shop-token");
        assertEquals(404, r.statusCode());
        assertEquals("id", json(r).get("field").getAsString());

        String id = json(post("shop-token", "application/yaml", ok)).get("id").getAsString();
        Await.until("workflow ended", WAIT, () -> workflow(id).get("ended").getAsBoolean());
        r = gw.get("/api/v1/workflows/" + id + ".one", "shop-token");
        assertEquals(404, r.statusCode(), "a task's job is a job, not a workflow");
        assertTrue(json(r).get("allowed").getAsString().contains("/api/v1/jobs/" + id + ".one"), r.body());
        assertEquals(404, gw.get("/api/v1/workflows/" + id, "blog-token").statusCode(), "another project's workflow is not found");
    }

    @Test
    void aTaskWithoutQueueGoesToTheProjectsQueue() throws Exception {
        HttpResponse<String> r = post("shop-token", "application/yaml", "tasks: {one: {cd: /tmp, commands: [\"true\"]}}");
        assertEquals(201, r.statusCode(), r.body());
        String id = json(r).get("id").getAsString();
        Await.until("workflow ended", WAIT, () -> workflow(id).get("ended").getAsBoolean());
        JsonObject w = workflow(id);
        assertEquals("succeeded", w.get("status").getAsString(), w.toString());
        assertEquals("build", w.getAsJsonObject("tasks").getAsJsonObject("one").get("queue").getAsString(), "shop's configured queue");
    }
}
