package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.client.DeploysterClient;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.testing.Await;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes of the two services Deployster replaces, called by their clients' own shell steps: curl
 * and jq, exactly as those scripts call them, against a real gateway, Redis, worker and supervisord.
 */
class CompatibleRoutesTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    GatewayFixture gw;
    Path app;
    Path ansible;

    @BeforeEach
    void start() throws Exception {
        Tools.require("curl", "apt-get install -y curl");
        Tools.require("jq", "apt-get install -y jq");
        app = Files.createDirectories(dir.resolve("app"));
        ansible = Files.createDirectories(dir.resolve("ansible"));
        gw = new GatewayFixture(redis.uri(), """
                projects:
                  shop:
                    queue: shop-q
                    tokens:
                      - {name: ci, sha256: %s, scopes: [submit, read]}
                    defaults:
                      cd: %s
                    stages:
                      main: {env: {APP_ENV: production, GREETING: hello from main}}
                  recipes:
                    queue: recipes-q
                    tokens:
                      - {name: cd, sha256: %s, scopes: [submit, read]}
                    repos:
                      recipes-site:
                        playbook: deploy.yml
                        inventory: hosts.ini
                        cwd: %s
                        tagVariable: release
                  parked:
                    queue: no-worker-serves-this
                    tokens:
                      - {name: cd, sha256: %s, scopes: [submit, read]}
                    repos:
                      parked-site: {playbook: deploy.yml}
                """.formatted(GatewayFixture.sha256("shop-token"), app, GatewayFixture.sha256("recipes-token"), ansible,
                GatewayFixture.sha256("parked-token")),
                "shop-q", "recipes-q");
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
    }

    record Run(int exit, String out, String err) {
    }

    private Run script(String name, Map<String, String> env) throws IOException, InterruptedException {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("DEPLOY_URL", gw.url);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not end within 90 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private String curl(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    private static String body(String cd, String... commands) {
        JsonObject o = new JsonObject();
        o.addProperty("cd", cd);
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (String c : commands) {
            a.add(c);
        }
        o.add("commands", a);
        o.addProperty("commit_hash", "9f2c1e0");
        o.addProperty("ref_name", "main");
        return o.toString();
    }

    @Test
    void ciLoopDeploysWritesTheStagesEnvAndPrintsTheWholeLogExactlyOnce() throws Exception {
        try (Supervisor sv = new Supervisor(dir)) {
            String restart = "supervisorctl -c " + sv.config + " restart shop--main";
            Run run = script("queued-deploy-ci.sh", Map.of("DEPLOY_TOKEN", "shop-token", "POLL_SECONDS", "0.2",
                    "DEPLOY_BODY", body(app.toString(), "for i in $(seq 1 30); do echo build step $i; sleep 0.01; done",
                            "echo \"$GREETING\"", restart)));

            assertEquals(0, run.exit(), run.err() + run.out());
            assertTrue(run.err().contains("deploy complete"), run.err());
            List<String> lines = List.of(run.out().split("\n"));
            for (int i = 1; i <= 30; i++) {
                assertEquals(1, lines.stream().filter(("build step " + i)::equals).count(), "line " + i + " once in:\n" + run.out());
            }
            assertEquals(1, lines.stream().filter("hello from main"::equals).count(), run.out());
            assertTrue(run.out().contains("[deployster] succeeded (exit code 0)"), run.out());
            assertTrue(Files.readString(app.resolve(".env")).contains("GREETING='hello from main'"));
            assertTrue(sv.ctl("status", "shop--main").contains("RUNNING"), sv.ctl("status"));
        }
    }

    @Test
    void aDeployWhileAnotherHoldsTheLockIsQueuedAndStartsByItself() throws Exception {
        try (Supervisor sv = new Supervisor(dir)) {
            String restart = "supervisorctl -c " + sv.config + " restart shop--main";
            Path go = dir.resolve("go");
            String first = curl("-X", "POST", gw.url + "/deploy", "-H", "Content-Type: application/json", "-H", "x-deployster-token: shop-token",
                    "-d", body(app.toString(), "while [ ! -e " + go + " ]; do sleep 0.02; done", restart));
            JsonObject firstReply = JsonParser.parseString(first).getAsJsonObject();
            assertEquals(1, firstReply.size(), first); // only job_id: the project was free
            String firstId = firstReply.get("job_id").getAsString();
            Await.until("first deploy running", Duration.ofSeconds(20), () -> "running".equals(
                    JsonParser.parseString(get("/status/" + firstId)).getAsJsonObject().get("status").getAsString()));

            String second = curl("-X", "POST", gw.url + "/deploy", "-H", "Content-Type: application/json", "-H", "x-deployster-token: shop-token",
                    "-d", body(app.toString(), "echo second deploy", restart));
            JsonObject reply = JsonParser.parseString(second).getAsJsonObject();
            assertTrue(reply.get("queued").getAsBoolean(), second);
            assertEquals("Another deployment is running; this job is queued.", reply.get("message").getAsString());
            String secondId = reply.get("job_id").getAsString();
            assertEquals("queued", JsonParser.parseString(get("/status/" + secondId)).getAsJsonObject().get("status").getAsString());

            Files.createFile(go);
            Await.until("second deploy complete", Duration.ofSeconds(30), () -> "complete".equals(
                    JsonParser.parseString(get("/status/" + secondId)).getAsJsonObject().get("status").getAsString()));
        }
    }

    private String get(String path) {
        try {
            return curl(gw.url + path, "-H", "x-deployster-token: shop-token");
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aLastCommandThatIsNoSupervisorRestartFailsTheJobEarlyWithTheReason() throws Exception {
        Path marker = dir.resolve("ran");
        Run run = script("queued-deploy-ci.sh", Map.of("DEPLOY_TOKEN", "shop-token", "POLL_SECONDS", "0.2",
                "DEPLOY_BODY", body(app.toString(), "touch " + marker, "systemctl restart shop")));
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.err().contains("deploy failed"), run.err());
        assertTrue(run.out().contains("the last command must be \"supervisorctl start <program>\" or \"supervisorctl restart <program>\""), run.out());
        assertTrue(Files.notExists(marker), "none of the given commands ran");
    }

    @Test
    void badTokenIs403UnauthorizedAndAnUnknownJobIs404NotFound() throws Exception {
        String post = curl("-w", " %{http_code}", "-X", "POST", gw.url + "/deploy", "-H", "Content-Type: application/json",
                "-H", "x-deployster-token: wrong", "-d", body(app.toString(), "true"));
        assertEquals("{\"error\":\"Unauthorized\"} 403", post);
        assertEquals("{\"error\":\"Unauthorized\"} 403", curl("-w", " %{http_code}", gw.url + "/status/20260101-000000-abcdefgh"));
        assertEquals("{\"status\":\"not_found\"} 404", curl("-w", " %{http_code}", gw.url + "/status/20260101-000000-abcdefgh",
                "-H", "x-deployster-token: shop-token"));
    }

    @Test
    void continuousDeployClientFollowsTheRedirectToThePlaybooksOutput() throws Exception {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        Files.writeString(ansible.resolve("hosts.ini"), "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
        Files.writeString(ansible.resolve("deploy.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: deploy the release
                      debug:
                        msg: "deploying recipes-site {{ release }}"
                """);
        Run run = script("continuous-deploy-ci.sh", Map.of("DEPLOY_TOKEN", "recipes-token", "DEPLOY_REPO", "recipes-site",
                "DEPLOY_TAG", "v2.3.1", "POLL_SECONDS", "0.2"));
        assertEquals(0, run.exit(), run.err() + run.out());
        assertTrue(run.err().contains("queued: " + gw.url + "/queue/"), run.err());
        assertTrue(run.out().contains("deploying recipes-site v2.3.1"), run.out());
        assertTrue(run.out().contains("PLAY RECAP"), run.out());
        assertTrue(run.out().trim().split("\n")[run.out().trim().split("\n").length - 1].contains("ok=1"), run.out());
    }

    @Test
    void continuousDeployErrors() throws Exception {
        String unknown = curl("-w", " %{http_code}", "-X", "POST", "-H", "Authorization: Bearer recipes-token", gw.url + "/deploy/nope/v1");
        assertTrue(unknown.endsWith(" 404"), unknown);
        assertTrue(unknown.contains("\"field\":\"repo\",\"value\":\"nope\",\"allowed\":\"one of recipes-site\""), unknown);
        String badTag = curl("-w", " %{http_code}", "-X", "POST", "-H", "Authorization: Bearer recipes-token", gw.url + "/deploy/recipes-site/v1%20x");
        assertTrue(badTag.endsWith(" 400") && badTag.contains("\"field\":\"tag\""), badTag);
        String noToken = curl("-w", " %{http_code}", "-X", "POST", gw.url + "/deploy/recipes-site/v1");
        assertTrue(noToken.endsWith(" 401"), noToken);

        // a failed playbook: /queue 303s to /job_result, which answers 500 with the output and the reason
        Files.writeString(ansible.resolve("hosts.ini"), "localhost ansible_connection=local\n");
        Files.writeString(ansible.resolve("deploy.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: {msg: broken release}\n");
        Run run = script("continuous-deploy-ci.sh", Map.of("DEPLOY_TOKEN", "recipes-token", "DEPLOY_REPO", "recipes-site",
                "DEPLOY_TAG", "v9", "POLL_SECONDS", "0.2"));
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("HTTP 500"), run.err());
        assertTrue(run.out().contains("broken release") && run.out().contains("[deployster] failed"), run.out());

        // a job no worker has taken yet: /queue points back at itself, /job_result is 409
        HttpResponse<String> posted = gw.http.send(gw.request("/deploy/parked-site/v10", "parked-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, posted.statusCode());
        String id = JsonParser.parseString(posted.body()).getAsJsonObject().get("id").getAsString();
        assertEquals(gw.url + "/queue/" + id, posted.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> queue = gw.get("/queue/" + id, "parked-token");
        assertEquals(202, queue.statusCode(), queue.body());
        assertEquals(gw.url + "/queue/" + id, queue.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> early = gw.get("/job_result/" + id, "parked-token");
        assertEquals(409, early.statusCode(), early.body());
        assertTrue(early.body().contains("\"field\":\"id\"") && early.body().contains("is queued; its result is not there yet"), early.body());
        assertEquals(404, gw.get("/queue/" + id, "recipes-token").statusCode(), "another project's token does not see the job");
        gw.deployment.client.cancel(id, "test");
        HttpResponse<String> ended = gw.get("/queue/" + id, "parked-token");
        assertEquals(303, ended.statusCode());
        assertEquals(gw.url + "/job_result/" + id, ended.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void pollsAnsweredByTwoGatewaysInTurnStillShowTheWholeLogExactlyOnce() throws Exception {
        GatewayConfig config = GatewayConfigReader.parse(("projects: {shop: {tokens: [{name: ci, sha256: %s, "
                + "scopes: [submit, read]}]}}").formatted(GatewayFixture.sha256("shop-token")), "gateway.yml");
        try (Redis pool = Redis.connect(redis.uri());
             DeploysterClient client = DeploysterClient.open(
                     Redis.connect(redis.uri()), QueueSettings.DEFAULT, null);
             GatewayServer second = GatewayServer.start(config, pool, Keys.defaults(),
                     QueueSettings.DEFAULT, client, new GatewayServer.Listen("127.0.0.1", 0, null, null, 32))) {
            Path go = dir.resolve("go");
            String posted = curl("-X", "POST", gw.url + "/deploy", "-H", "x-deployster-token: shop-token", "-d",
                    body(app.toString(), "for i in $(seq 1 20); do echo early $i; done; while [ ! -e " + go + " ]; do sleep 0.02; done; "
                            + "for i in $(seq 1 20); do echo late $i; done", "supervisorctl restart shop--main"));
            String id = JsonParser.parseString(posted).getAsJsonObject().get("job_id").getAsString();
            StringBuilder printed = new StringBuilder();
            String[] gateways = {gw.url, second.url("127.0.0.1")};
            String status = "";
            for (int poll = 0; poll < 2000 && !status.equals("complete") && !status.equals("failed"); poll++) {
                JsonObject r = JsonParser.parseString(curl(gateways[poll % 2] + "/status/" + id, "-H", "x-deployster-token: shop-token"))
                        .getAsJsonObject();
                printed.append(r.get("logs").getAsString());
                status = r.get("status").getAsString();
                if (printed.indexOf("early 20\n") >= 0 && Files.notExists(go)) {
                    Files.createFile(go);
                }
            }
            // (its last command fails here, with no supervisord running; the log is what this test is about)
            assertEquals("failed", status, printed.toString());
            List<String> lines = List.of(printed.toString().split("\n"));
            assertEquals(1, lines.stream().filter("[deployster] queued on 'shop-q'"::equals).count(), printed.toString());
            for (int i = 1; i <= 20; i++) {
                assertEquals(1, lines.stream().filter(("early " + i)::equals).count(), printed.toString());
                assertEquals(1, lines.stream().filter(("late " + i)::equals).count(), printed.toString());
            }
        }
    }
}
