package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The native API end to end: JDK HTTP client -> gateway -> real Redis -> real worker running signed jobs. */
class GatewayTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayFixture(redis.uri(), """
                projects:
                  shop:
                    queue: shop-q
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read, cancel]}
                      - {name: dashboard, sha256: %s, scopes: [read]}
                    defaults:
                      cd: %s
                    stages:
                      main: {env: {APP_ENV: production}}
                  blog:
                    queue: blog-q
                    tokens:
                      - {name: ci, sha256: %s, scopes: [admin]}
                """.formatted(GatewayFixture.sha256("shop-token"), GatewayFixture.sha256("read-token"), dir,
                GatewayFixture.sha256("blog-token")), "shop-q", "blog-q");
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private String submit(String body) throws Exception {
        HttpResponse<String> r = gw.postJson("/api/v1/jobs", "shop-token", body);
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("id").getAsString();
    }

    private JsonObject awaitEnded(String id) {
        JsonObject[] last = new JsonObject[1];
        Await.until("job " + id + " ended", Duration.ofSeconds(30), () -> {
            try {
                last[0] = json(gw.get("/api/v1/jobs/" + id, "shop-token"));
                return last[0].get("ended").getAsBoolean();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return last[0];
    }

    @Test
    void submitAnswers201WithLocationAndTheSignedJobRunsWithTheProjectsDefaultsAndStage() throws Exception {
        HttpResponse<String> r = gw.postJson("/api/v1/jobs?stage=main", "shop-token",
                "{\"commands\": [\"echo hello from $APP_ENV\", \"cat .env\"], \"ref\": \"main\"}");
        assertEquals(201, r.statusCode(), r.body());
        JsonObject body = json(r);
        String id = body.get("id").getAsString();
        assertEquals(gw.url + "/api/v1/jobs/" + id, r.headers().firstValue("Location").orElseThrow());
        assertEquals(gw.url + "/api/v1/jobs/" + id, body.get("url").getAsString());
        assertTrue(r.headers().firstValue("WWW-Authenticate").isEmpty(), "no challenge on success");
        assertEquals("queued", body.get("status").getAsString());

        JsonObject job = awaitEnded(id);
        assertEquals("succeeded", job.get("status").getAsString(), job.toString());
        assertEquals("shop", job.get("project").getAsString());
        assertEquals("shop-q", job.get("queue").getAsString());
        assertEquals(0, job.get("exitCode").getAsInt());
        assertEquals("gateway token shop.ci", job.get("submittedBy").getAsString());

        HttpResponse<String> log = gw.get("/api/v1/jobs/" + id + "/log", "shop-token");
        assertEquals(200, log.statusCode());
        assertTrue(log.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(log.body().contains("\nhello from production\n"), log.body());
        assertTrue(log.body().contains("APP_ENV='production'"), log.body()); // the stage's variables are in .env
        assertTrue(log.body().endsWith("[deployster] succeeded (exit code 0)\n"), log.body());
        assertTrue(Files.readString(dir.resolve(".env")).contains("APP_ENV='production'"));
    }

    @Test
    void waitTrueHoldsTheAnswerUntilTheJobEndsAndGivesItsResult() throws Exception {
        HttpResponse<String> ok = gw.postJson("/api/v1/jobs?wait=true", "shop-token", "{\"commands\": [\"echo done\"]}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("succeeded", json(ok).get("status").getAsString());
        assertTrue(ok.headers().firstValue("Location").isPresent());

        // the client's own submittedBy (a CI run's URL) comes first; the token that submitted stays named
        HttpResponse<String> by = gw.postJson("/api/v1/jobs?wait=true", "shop-token",
                "{\"commands\": [\"true\"], \"submittedBy\": \"alice (a CI run)\"}");
        assertEquals("alice (a CI run) (gateway token shop.ci)", json(by).get("submittedBy").getAsString(), by.body());

        HttpResponse<String> failed = gw.postJson("/api/v1/jobs?wait=true", "shop-token", "{\"commands\": [\"echo no >&2; exit 3\"]}");
        assertEquals(422, failed.statusCode(), failed.body());
        assertEquals("failed", json(failed).get("status").getAsString());
        assertEquals(3, json(failed).get("exitCode").getAsInt());
    }

    @Test
    void jsonLinesAndChunkedFollowGiveEveryEntryUntilTheEnd() throws Exception {
        String id = submit("{\"commands\": [\"for i in $(seq 1 200); do echo line $i; done\"]}");
        HttpResponse<InputStream> r = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log?follow=true&format=jsonl", "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        List<String> lines = new ArrayList<>();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = in.readLine()) != null) {
                JsonObject e = JsonParser.parseString(l).getAsJsonObject();
                if (e.has("l")) {
                    lines.add(e.get("l").getAsString());
                }
                last = l;
            }
        }
        assertEquals(200, lines.size());
        assertEquals("line 1", lines.get(0));
        assertEquals("line 200", lines.get(199));
        assertEquals("finished", JsonParser.parseString(last).getAsJsonObject().get("e").getAsString());
    }

    @Test
    void followDeliversEachLineWhileTheJobStillRuns() throws Exception {
        Path go = dir.resolve("go");
        String id = submit("{\"commands\": [\"echo ready; while [ ! -e '" + go + "' ]; do sleep 0.02; done; echo after\"]}");
        HttpResponse<InputStream> r = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log?follow=true", "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
            List<String> got = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    got.add(l);
                    if (l.equals("ready")) {
                        Files.createFile(go); // only a live stream gets here: the job waits for this file
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return got;
        });
        List<String> lines = read.get(30, TimeUnit.SECONDS);
        assertTrue(lines.indexOf("ready") < lines.indexOf("after"), lines.toString());
        assertEquals("[deployster] succeeded (exit code 0)", lines.get(lines.size() - 1));
    }

    @Test
    void serverSentEventsCarryEntryIdsAndLastEventIdResumesWithoutGapOrRepeat() throws Exception {
        String id = submit("{\"commands\": [\"for i in $(seq 1 50); do echo line $i; done\"]}");
        List<String> first = new ArrayList<>();
        String lastId = null;
        HttpResponse<InputStream> r = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log", "shop-token")
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String pendingId = null;
            String l;
            while ((l = in.readLine()) != null) {
                if (l.startsWith("id: ")) {
                    pendingId = l.substring(4);
                } else if (l.startsWith("data: ")) {
                    JsonObject e = JsonParser.parseString(l.substring(6)).getAsJsonObject();
                    assertEquals(pendingId, e.get("id").getAsString());
                    lastId = pendingId;
                    if (e.has("l")) {
                        first.add(e.get("l").getAsString());
                    }
                    if (first.size() == 20) {
                        break; // the client drops the connection here
                    }
                }
            }
        }
        assertEquals(20, first.size());
        List<String> rest = new ArrayList<>();
        boolean finished = false;
        HttpResponse<String> resumed = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log", "shop-token")
                .header("Accept", "text/event-stream").header("Last-Event-ID", lastId).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String l : resumed.body().split("\n")) {
            if (l.startsWith("data: ")) {
                JsonObject e = JsonParser.parseString(l.substring(6)).getAsJsonObject();
                if (e.has("l")) {
                    rest.add(e.get("l").getAsString());
                }
                finished |= "finished".equals(e.has("e") ? e.get("e").getAsString() : null);
                lastId = e.get("id").getAsString();
            }
        }
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            expected.add("line " + i);
        }
        assertEquals(expected, all);
        assertTrue(finished);
        // resuming after the last entry of an ended job: 204 tells an EventSource to stop reconnecting
        HttpResponse<String> done = gw.http.send(gw.request("/api/v1/jobs/" + id + "/log", "shop-token")
                .header("Accept", "text/event-stream").header("Last-Event-ID", lastId).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, done.statusCode());
    }

    @Test
    void followResumedAfterTheFinishedEntryOfAnEndedJobEndsAtOnce() throws Exception {
        String id = submit("{\"commands\": [\"echo one\", \"echo two\"]}");
        awaitEnded(id);
        String[] lines = gw.get("/api/v1/jobs/" + id + "/log?format=jsonl", "shop-token").body().split("\n");
        String finishedId = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject().get("id").getAsString();
        // a follower whose connection dropped right after the 'finished' entry reconnects from it: nothing
        // more will come, so the answer must end (it waited for an entry that is never written)
        for (String query : List.of("follow=true", "follow=true&format=jsonl")) {
            HttpResponse<String> r = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?" + query + "&after=" + finishedId, "shop-token")
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), query);
            assertEquals("", r.body(), query);
        }
        // an SSE resume given as ?after= (a client that cannot set Last-Event-ID) ends as the header's does
        HttpResponse<String> sse = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?format=sse&after=" + finishedId, "shop-token")
                .GET().build(), HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
        assertEquals(204, sse.statusCode());
        // resuming before the end still gives the rest, once
        String before = JsonParser.parseString(lines[lines.length - 2]).getAsJsonObject().get("id").getAsString();
        HttpResponse<String> rest = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?follow=true&format=jsonl&after=" + before, "shop-token")
                .GET().build(), HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
        assertEquals(lines[lines.length - 1] + "\n", rest.body());
    }

    @Test
    void followResumedPastTheEndOfARunningJobEndsWhenTheJobEnds() throws Exception {
        Path go = dir.resolve("go");
        String id = submit("{\"commands\": [\"echo waiting\", \"while [ ! -e " + go + " ]; do sleep 0.05; done\"]}");
        Await.until("job running", Duration.ofSeconds(20), () -> {
            try {
                return "running".equals(json(gw.get("/api/v1/jobs/" + id, "shop-token")).get("status").getAsString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        // an id beyond the log's end (a resume from another job's id, or one racing the job's end): the
        // follow waits while the job runs, and must end once it ended, as nothing more can come
        String beyond = (System.currentTimeMillis() + 3_600_000L) + "-0";
        var plain = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?follow=true&after=" + beyond, "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        var sse = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?format=sse&after=" + beyond, "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        // and one from the start at the same time, which must still get the whole log
        var whole = gw.http.sendAsync(gw.request("/api/v1/jobs/" + id + "/log?follow=true", "shop-token").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until("the three follows subscribed", Duration.ofSeconds(20), () -> gw.server.followers() == 3);
        Files.createFile(go);
        awaitEnded(id);
        HttpResponse<String> p = plain.get(30, TimeUnit.SECONDS);
        assertEquals(200, p.statusCode());
        assertTrue(p.body().contains("the job ended before the entry this follow resumed after"), p.body());
        HttpResponse<String> s = sse.get(30, TimeUnit.SECONDS);
        assertEquals(200, s.statusCode());
        assertTrue(s.body().contains("event: gateway"), s.body());
        assertFalse(s.body().contains("waiting"), "nothing before the resume point is sent again: " + s.body());
        String w = whole.get(30, TimeUnit.SECONDS).body();
        assertTrue(w.startsWith("[deployster]") && w.contains("waiting\n") && w.contains("succeeded"), w);
    }

    @Test
    void cancelStopsARunningJobAndAnswers409OnceItEnded() throws Exception {
        String id = submit("{\"commands\": [\"echo started; sleep 60\"]}");
        Await.until("job running", Duration.ofSeconds(20), () -> {
            try {
                return "running".equals(json(gw.get("/api/v1/jobs/" + id, "shop-token")).get("status").getAsString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        HttpResponse<String> r = gw.postJson("/api/v1/jobs/" + id + "/cancel", "shop-token", "");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("stopping", json(r).get("outcome").getAsString());
        assertEquals("cancelled", awaitEnded(id).get("status").getAsString());

        HttpResponse<String> again = gw.postJson("/api/v1/jobs/" + id + "/cancel", "shop-token", "");
        assertEquals(409, again.statusCode());
        assertEquals("id", json(again).get("field").getAsString());
        assertTrue(json(again).get("error").getAsString().contains("has already ended (cancelled)"), again.body());
    }

    @Test
    void projectShowsTheLockHolderTheWaitingJobsAndTheLastDeploys() throws Exception {
        String holder = submit("{\"commands\": [\"sleep 60\"]}");
        Await.until("holder running", Duration.ofSeconds(20), () -> {
            try {
                return "running".equals(json(gw.get("/api/v1/jobs/" + holder, "read-token")).get("status").getAsString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String waiter = submit("{\"commands\": [\"echo next\"]}");
        JsonObject p = json(gw.get("/api/v1/projects/shop", "read-token"));
        assertEquals(holder, p.getAsJsonObject("lockHolder").get("id").getAsString());
        JsonArray waiting = p.getAsJsonArray("waiting");
        assertEquals(1, waiting.size());
        assertEquals(waiter, waiting.get(0).getAsJsonObject().get("id").getAsString());
        List<String> last = new ArrayList<>();
        for (JsonElement e : p.getAsJsonArray("lastDeploys")) {
            last.add(e.getAsJsonObject().get("id").getAsString());
        }
        assertEquals(List.of(waiter, holder), last);
        gw.postJson("/api/v1/jobs/" + holder + "/cancel", "shop-token", "");
        assertEquals("succeeded", awaitEnded(waiter).get("status").getAsString());
    }

    @Test
    void openApiDocumentIsServedWithoutAToken() throws Exception {
        HttpResponse<String> r = gw.get("/api/v1/openapi.json", null);
        assertEquals(200, r.statusCode());
        JsonObject doc = json(r);
        assertEquals("3.0.3", doc.get("openapi").getAsString());
        for (String path : List.of("/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/log", "/api/v1/jobs/{id}/cancel",
                "/api/v1/projects/{project}", "/api/v1/workflows", "/api/v1/workflows/{id}", "/deploy", "/submit", "/status/{id}",
                "/deploy/{repo}/{tag}", "/queue/{id}", "/job_result/{id}")) {
            assertTrue(doc.getAsJsonObject("paths").has(path), path);
        }
    }

    // ---- every error status, each with a JSON body naming the field, the value and what is allowed

    private static void assertError(HttpResponse<String> r, int status, String field, String value, String allowedPart) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonObject e = json(r);
        assertFalse(e.get("error").getAsString().isBlank());
        assertFalse(r.body().contains("at io.") || r.body().contains("Exception"), "no stack trace: " + r.body());
        assertEquals(field, e.get("field").getAsString(), r.body());
        if (value == null) {
            assertTrue(e.get("value").isJsonNull(), r.body());
        } else {
            assertEquals(value, e.get("value").getAsString(), r.body());
        }
        assertTrue(e.get("allowed").getAsString().contains(allowedPart), r.body());
    }

    @Test
    void badJobSpecIs400NamingEveryField() throws Exception {
        HttpResponse<String> r = gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"\"], \"cd\": \"relative/dir\", \"timeoutSeconds\": 0}");
        assertError(r, 400, "timeoutSeconds", "0", "use 1 to 604800 seconds");
        List<String> fields = new ArrayList<>();
        for (JsonElement p : json(r).getAsJsonArray("problems")) {
            fields.add(p.getAsJsonObject().get("field").getAsString());
        }
        assertTrue(fields.containsAll(List.of("timeoutSeconds", "cd", "commands[0]")), fields.toString());
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "[1, 2"), 400, "body", "[1, 2", "one JSON object");
        // a producer may not put its job into a workflow (it would run under the workflow's lock exemption)
        HttpResponse<String> joining = gw.postJson("/api/v1/jobs", "shop-token",
                "{\"commands\": [\"true\"], \"workflow\": \"20240101-000000-abcdefgh\", \"workflowTask\": \"zz\"}");
        assertError(joining, 400, "workflow", "20240101-000000-abcdefgh", "only the workflow engine sets it");
        assertEquals("workflowTask", json(joining).getAsJsonArray("problems").get(1).getAsJsonObject().get("field").getAsString());
        // unknown fields are refused, not dropped
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"], \"callback_url\": \"http://hooks.example/\"}"),
                400, "callback_url", "\"http://hooks.example/\"", "callbackUrl");
        assertFalse(json(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"], \"callback_url\": \"x\"}"))
                .get("allowed").getAsString().contains("workflow"), "only the engine sets workflow and workflowTask");
        String trailing = json(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"]} x")).get("error").getAsString();
        assertTrue(trailing.startsWith("the request body is not valid JSON at line 1, column "), trailing);
        assertFalse(trailing.contains("setStrictness") || trailing.contains("https://"), trailing);
        // a key given twice is refused, not read as its last value
        String twice = "{\"commands\": [\"true\"], \"queue\": \"a\", \"queue\": \"b\"}";
        assertError(gw.postJson("/api/v1/jobs", "shop-token", twice), 400, "queue", twice, "each key once per object");
        assertEquals("key 'queue' is given twice", json(gw.postJson("/api/v1/jobs", "shop-token", twice)).get("error").getAsString());
        String nested = "{\"commands\": [\"true\"], \"env\": {\"A\": \"1\", \"A\": \"2\"}}";
        assertError(gw.postJson("/api/v1/jobs", "shop-token", nested), 400, "env.A", nested, "each key once per object");
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"spec\": {\"commands\": [\"true\"]}}"), 400, "spec",
                "{\"commands\":[\"true\"]}", "stage");
        assertError(gw.postJson("/api/v1/jobs?wait=maybe", "shop-token", "{}"), 400, "wait", "maybe", "true or false");
        assertError(gw.postJson("/api/v1/jobs?stage=prod", "shop-token", "{\"commands\": [\"true\"]}"), 400, "stage", "prod", "main");
        assertError(gw.get("/api/v1/jobs/not%20an%20id", "shop-token"), 400, "id", "not an id", "A-Z a-z 0-9");
        String id = submit("{\"commands\": [\"true\"]}");
        assertError(gw.get("/api/v1/jobs/" + id + "/log?format=xml", "shop-token"), 400, "format", "xml", "text, jsonl or sse");
        assertError(gw.get("/api/v1/jobs/" + id + "/log?after=yesterday", "shop-token"), 400, "after", "yesterday", "log entry id");
    }

    @Test
    void theBodyNamesTheSpecsFieldsAsDocsProtocolMdDoes() throws Exception {
        HttpResponse<String> r = gw.postJson("/api/v1/jobs", "shop-token", "{\"mode\": \"commands\", \"commands\": [\"echo by mode\"]}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("succeeded", awaitEnded(json(r).get("id").getAsString()).get("status").getAsString());
        // the Java name of the field is not a name of the API
        HttpResponse<String> javaName = gw.postJson("/api/v1/jobs", "shop-token", "{\"modeName\": \"commands\", \"commands\": [\"true\"]}");
        assertError(javaName, 400, "modeName", "\"commands\"", "'stage': mode, project, queue,");
        assertFalse(json(javaName).get("allowed").getAsString().contains("modeName"), javaName.body());
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByItsFieldNotAsTheWholeSpec() throws Exception {
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"echo hi\"], \"env\": {\"A\": 1}}"),
                400, "env.A", "1", "text, not a number");
        HttpResponse<String> notAList = gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": \"echo hi\"}");
        assertError(notAList, 400, "commands", "\"echo hi\"", "a list of text, not text");
        assertFalse(notAList.body().contains("BEGIN_ARRAY"), notAList.body());
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"], \"timeoutSeconds\": 1.5}"),
                400, "timeoutSeconds", "1.5", "use 1 to 604800 seconds");
    }

    @Test
    void aNulInRefAndAnsibleOptionsOnACommandsJobAre400() throws Exception {
        // a NUL would cut DEPLOYSTER_REF short; the job would deploy another ref than the one asked for
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"ref\": \"a\\u0000b\", \"commands\": [\"true\"]}"),
                400, "ref", "a\0b", "without control characters");
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"], \"verbosity\": 9}"),
                400, "verbosity", "9", "use 0 to 4");
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"commands\": [\"true\"], \"check\": true}"),
                400, "check", "true", "not used in mode 'commands'");
    }

    @Test
    void aSecretInClearIs400NamingItAndNothingReachesRedis() throws Exception {
        String value = "GwPlain-Secret-4417";
        HttpResponse<String> r = gw.postJson("/api/v1/jobs", "shop-token",
                "{\"secretEnv\": {\"GWSECRET\": \"" + value + "\"}, \"commands\": [\"echo $GWSECRET\"]}");
        assertError(r, 400, "secretEnv.GWSECRET", "a value in clear (not shown)", "deployster submit --secret-env GWSECRET");
        assertFalse(r.body().contains(value), r.body());
        assertEquals(Set.of(), redis.client().call(j -> j.keys(Keys.defaults().jobPattern())), "jobs in Redis");
        long queued = redis.client().call(j -> j.xlen(Keys.defaults().queue("shop-q")));
        assertEquals(0, queued, "entries on the queue");
    }

    @Test
    void missingOrWrongTokenIs401WithAChallenge() throws Exception {
        HttpResponse<String> none = gw.get("/api/v1/jobs/20260101-000000-abcdefgh", null);
        assertError(none, 401, "Authorization", null, "Authorization: Bearer TOKEN");
        assertEquals("Bearer realm=\"deployster\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertError(gw.postJson("/api/v1/jobs", "shop-token-x", "{}"), 401, "Authorization", "(a token that is not configured)", "SHA-256");
    }

    @Test
    void aTokenWithoutTheScopeOrOfAnotherProjectIs403() throws Exception {
        assertError(gw.postJson("/api/v1/jobs", "read-token", "{\"commands\": [\"true\"]}"), 403, "scope", "submit", "'submit' or 'admin'");
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"project\": \"blog\", \"commands\": [\"true\"]}"), 403, "project", "blog", "'shop'");
        assertError(gw.postJson("/api/v1/jobs", "shop-token", "{\"queue\": \"blog-q\", \"commands\": [\"true\"]}"), 403, "queue", "blog-q", "'shop-q'");
        assertError(gw.get("/api/v1/projects/blog", "shop-token"), 403, "project", "blog", "'shop'");
    }

    @Test
    void aJobOfAnotherProjectOrAnUnknownRouteIs404() throws Exception {
        String id = submit("{\"commands\": [\"true\"]}");
        assertError(gw.get("/api/v1/jobs/" + id, "blog-token"), 404, "id", id, "project 'blog'");
        assertError(gw.get("/api/v1/jobs/20200101-000000-nosuchjb/log", "shop-token"), 404, "id", "20200101-000000-nosuchjb", "project 'shop'");
        assertError(gw.get("/api/v1/nothing-here", "shop-token"), 404, "path", "GET /api/v1/nothing-here", "openapi.json");
    }

    @Test
    void oversizedBodyIs413AnotherContentTypeIs415AndABodyThatIsNoUtf8Is400() throws Exception {
        String big = "{\"commands\": [\"" + "x".repeat(1_100_000) + "\"]}";
        assertError(gw.postJson("/api/v1/jobs", "shop-token", big), 413, "body", (big.length()) + " bytes", "at most 1048576 bytes");
        HttpResponse<String> form = gw.http.send(gw.request("/api/v1/jobs", "shop-token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertError(form, 415, "Content-Type", "application/x-www-form-urlencoded", "application/json");
        // bytes that are no UTF-8 would be stored as U+FFFD: another ref or command than the one sent
        byte[] latin1 = "{\"commands\": [\"true\"], \"ref\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = gw.http.send(gw.request("/api/v1/jobs", "shop-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)).build(), HttpResponse.BodyHandlers.ofString());
        assertError(notUtf8, 400, "body", "byte 0xE9 at offset 34", "UTF-8 text");
        assertEquals(Set.of(), redis.client().call(j -> j.keys(Keys.defaults().jobPattern())), "nothing was queued");
    }

    @Test
    void repeatedFailedAuthenticationsFromOneAddressAre429EvenWithTheRightToken() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, gw.get("/api/v1/projects/shop", "guess-" + i).statusCode());
        }
        assertError(gw.get("/api/v1/projects/shop", "shop-token"), 429, "address", "127.0.0.1", "at most 10 failed authentications per minute");
    }
}
