package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.client.DeploysterClient;
import io.deployster.metrics.FleetMetrics;
import io.deployster.redis.Redis;
import io.deployster.web.OpsWeb;
import io.deployster.web.Role;
import io.deployster.web.WebAccess;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The operations page in a real browser (headless Chromium), against Redis, a worker and the gateway serving it. */
class OpsPageBrowserTest {
    private static final String OPERATOR = "operator-token-for-the-browser-test";
    private static final String READER = "reader-token-for-the-browser-test";
    private static final String SECRET = "s3cr3t-api-token-value";
    private static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private Deployment deployment;
    private GatewayServer server;
    private DeploysterClient gatewayClient;
    private Redis pageLogs;
    private WebDriver browser;
    private String base;

    @BeforeEach
    void start() throws Exception {
        Tools.require("chromium", "apt-get install -y chromium chromium-driver");
        Tools.require("chromedriver", "apt-get install -y chromium chromium-driver");
        // signed jobs, as in production: a job's secret env is sealed in Redis and masked in its log
        JobSigner signer = new JobSigner(new KeyRing(List.of(new SigningKey("test", new byte[32]))), Clock.systemUTC(), Duration.ofHours(1));
        deployment = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer);
        deployment.worker("web-worker", 2, signer, null);
        Keys keys = Keys.defaults();
        JobQueue jobs = JobQueue.create(redis.client(), keys, QueueSettings.DEFAULT, null);
        pageLogs = Redis.connect(redis.uri());
        OpsWeb web = new OpsWeb(WebAccess.of(Map.of(OPERATOR, Role.OPERATE, READER, Role.READ)), redis.client(), pageLogs, keys, jobs,
                Clock.systemUTC(), false);
        // the gateway as deployster serve --operators runs it: its API for one project, the page and /metrics
        GatewayConfig config = GatewayConfigReader.parse("projects:\n  shop:\n    tokens:\n      - name: ci\n        sha256: "
                + GatewayFixture.sha256("ci-token") + "\n        scopes: [submit, read]\n", "gateway.yml");
        gatewayClient = DeploysterClient.open(Redis.connect(redis.uri()), QueueSettings.DEFAULT, signer);
        server = GatewayServer.start(config, redis.client(), keys, QueueSettings.DEFAULT, gatewayClient,
                new GatewayServer.Listen("127.0.0.1", 0, null, null, 64),
                new GatewayServer.Operations(web, FleetMetrics.registry(redis.client(), keys, Clock.systemUTC())));
        base = server.url("127.0.0.1");
        // Debian's chromium and its matching chromedriver, found on PATH: Selenium Manager downloads nothing
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(onPath("chromedriver")).build();
        ChromeOptions options = new ChromeOptions().setBinary(onPath("chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() throws Exception {
        Files.writeString(dir.resolve("go"), "");
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
            gatewayClient.close();
            pageLogs.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    private static File onPath(String program) {
        for (String d : System.getenv("PATH").split(File.pathSeparator)) {
            File f = new File(d, program);
            if (f.canExecute()) {
                return f;
            }
        }
        throw new AssertionError(program + " is not on PATH");
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private void signIn(String token) {
        browser.manage().deleteAllCookies();
        browser.get(base + "/ui/");
        waiting().until(ExpectedConditions.urlContains("/ui/login"));
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("signin")).click();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("h2"), "Running jobs"));
    }

    private void shoot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Set on the page once: still there later means the page was never reloaded. */
    private void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
    }

    private boolean samePage() {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"));
    }

    private String wait(String file) {
        return "while [ ! -e " + dir.resolve(file) + " ]; do sleep 0.05; done";
    }

    @Test
    void wrongTokensOnThePageCountWithTheApisAndAreSlowedDown() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try {
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                codes.add(get(http, "/ui/api/me", "guess-" + i).statusCode());
            }
            // the gateway's config allows 10 failed authentications per address and minute (authFailuresPerMinute)
            assertEquals(List.of(401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 429), codes);
            HttpResponse<String> right = get(http, "/ui/api/me", READER);
            assertEquals(429, right.statusCode(), "past the limit even a right token waits: " + right.body());
            assertTrue(right.body().contains("too many failed sign-ins from 127.0.0.1; try again in "), right.body());
            assertTrue(right.headers().firstValue("Retry-After").isPresent());
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=" + READER))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, form.statusCode(), "the sign-in form is held back too: " + form.body());
            assertEquals(429, get(http, "/api/v1/jobs/20261202-000000-abcdefgh", "ci-token").statusCode(),
                    "the page's failures count for the API too: one count per address");
        } finally {
            redis.client().run(j -> j.del(Keys.defaults().gatewayAuthFailures("127.0.0.1")));
        }
    }

    private HttpResponse<String> get(HttpClient http, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void openJobLogsLeaveTheHttpThreadsToTheApiAndAResumeAfterTheEndEnds() throws Exception {
        Path go = dir.resolve("go");
        String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                List.of("echo started; while [ ! -e " + go + " ]; do sleep 0.05; done")).build());
        Await.until("the job runs", Duration.ofSeconds(15), () -> deployment.client.status(id).status() == JobStatus.RUNNING);
        URI uri = URI.create(base);
        HttpClient http = HttpClient.newHttpClient();
        List<Socket> pages = new ArrayList<>();
        try {
            // as many open logs as the page follows, as many tabs or a reader flooding it would hold: each holds a
            // connection of the page's own pool (the shared one has 32), and none an HTTP thread
            for (int i = 0; i < OpsWeb.MAX_OPEN_LOGS; i++) {
                Socket page = new Socket(uri.getHost(), uri.getPort());
                pages.add(page);
                page.setSoTimeout(10_000);
                page.getOutputStream().write(("GET /ui/api/job/" + id + "/log HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer "
                        + READER + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader response = new BufferedReader(new InputStreamReader(page.getInputStream(), StandardCharsets.UTF_8));
                String status;
                try {
                    status = response.readLine();
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("open log " + (i + 1) + " got no answer within 10 s", e);
                }
                assertEquals("HTTP/1.1 200 OK", status, "open log " + (i + 1));
            }
            HttpResponse<String> beyond = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/job/" + id + "/log"))
                    .header("Authorization", "Bearer " + READER).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, beyond.statusCode(), beyond.body());
            assertTrue(beyond.body().contains(OpsWeb.MAX_OPEN_LOGS + " job logs are open on the operations page"), beyond.body());
            assertEquals("5", beyond.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id))
                    .header("Authorization", "Bearer ci-token").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, api.statusCode(), "the API still answers: " + api.body());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
        } finally {
            for (Socket page : pages) {
                page.close();
            }
        }
        Files.writeString(go, "");
        assertEquals(JobStatus.SUCCEEDED, deployment.client.await(id).status());
        // a page that reconnects after the job's last entry (its 'finished') gets the end of the stream, not a wait for ever
        List<LogEntry> log = deployment.client.log(id, LogFollower.START, 10_000);
        HttpResponse<String> resumed = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/job/" + id + "/log"))
                .header("Authorization", "Bearer " + READER).header("Last-Event-ID", log.get(log.size() - 1).id())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resumed.statusCode());
        assertFalse(resumed.body().contains("data:"), "nothing after the last entry: " + resumed.body());
    }

    @Test
    void overviewUpdatesLiveJobPageStreamsItsLogAndCancelsAndReadersCannotCancel() throws Exception {
        signIn(OPERATOR);
        markPage();
        String a = deployment.client.submit(JobSpec.commands("shop", dir.toString(),
                List.of("echo first line with $API_TOKEN; " + wait("step") + "; echo second line; " + wait("never"))).ref("v2.0.0")
                .submittedBy("https://ci.example.org/job/shop/7/").build(), new Secrets(Map.of("API_TOKEN", SECRET), Map.of()));
        // B comes through the gateway's API, as a CI job would send it
        HttpResponse<String> submitted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Authorization", "Bearer ci-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"commands\": [\"echo b done\"], \"cd\": \"" + dir + "\", \"ref\": \"v2.0.1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, submitted.statusCode(), submitted.body());
        String b = com.google.gson.JsonParser.parseString(submitted.body()).getAsJsonObject().get("id").getAsString();
        String nightly = deployment.client.submit(JobSpec.commands("reports", dir.toString(), List.of("true")).queue("nightly").build());

        // the overview shows them without a reload: A running, B waiting behind it, the unserved queue's depth
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#running a[data-job='" + a + "']")));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#projects a[data-job='" + b + "']")));
        waiting().until(d -> d.findElement(By.id("queues")).getText().contains("nightly 1"));
        assertTrue(browser.findElement(By.id("workers")).getText().contains("web-worker alive"), browser.findElement(By.id("workers")).getText());
        assertTrue(samePage(), "the overview changed without a page reload");
        shoot("overview");

        // A's page: the log arrives live, line by line
        // the live overview redraws its lists as updates arrive: a link found just before a redraw is gone, so find it again
        waiting().ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("#running a[data-job='" + a + "']")).click();
            return true;
        });
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "first line"));
        assertEquals("running", browser.findElement(By.id("status")).getText());
        markPage();
        Files.writeString(dir.resolve("step"), "");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "second line"));
        assertTrue(samePage(), "the new line came without a reload");
        assertTrue(browser.findElement(By.id("log")).getText().contains("first line with ****"), browser.findElement(By.id("log")).getText());
        assertTrue(!browser.getPageSource().contains(SECRET), "the secret is nowhere on the page");
        assertTrue(browser.findElement(By.id("submitted")).getText().contains("https://ci.example.org/job/shop/7/"));
        shoot("job");

        // cancel: the job ends as cancelled, the page says so, and B gets the lock and runs
        browser.findElement(By.id("cancel")).click();
        browser.switchTo().alert().accept();
        waiting().until(ExpectedConditions.textToBe(By.id("status"), "cancelled"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("reason"), "cancelled on the operations page by operate"));
        assertEquals(JobStatus.CANCELLED, deployment.client.status(a).status());
        assertEquals(JobStatus.SUCCEEDED, deployment.client.await(b).status());

        // the project page: its history, newest first
        browser.get(base + "/ui/project/shop");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#history a[data-job='" + b + "']")));
        List<String> rows = browser.findElements(By.cssSelector("#history tbody tr")).stream().map(r -> r.getText()).toList();
        assertTrue(rows.get(0).contains(b) && rows.get(0).contains("succeeded") && rows.get(0).contains("v2.0.1"), rows.toString());
        assertTrue(rows.get(1).contains(a) && rows.get(1).contains("cancelled") && rows.get(1).contains("web-worker"), rows.toString());
        assertEquals("free", browser.findElement(By.id("lock")).getText());
        shoot("project");

        // a reader sees a running job but no cancel button; the server refuses a reader's cancel and one without the CSRF token
        String d = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of(wait("go"))).build());
        Await.until("D runs", Duration.ofSeconds(10), () -> deployment.client.status(d).status() == JobStatus.RUNNING);
        signIn(READER);
        browser.get(base + "/ui/job/" + d);
        waiting().until(ExpectedConditions.textToBe(By.id("status"), "running"));
        assertTrue(!browser.findElement(By.id("cancel")).isDisplayed(), "no cancel button for a read-only token");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> reader = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/job/" + d + "/cancel"))
                .header("Authorization", "Bearer " + READER).header("X-CSRF-Token", WebAccess.csrf(READER))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, reader.statusCode(), reader.body());
        assertTrue(reader.body().contains("cancelling needs operate"), reader.body());
        HttpResponse<String> noCsrf = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/job/" + d + "/cancel"))
                .header("Authorization", "Bearer " + OPERATOR).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noCsrf.statusCode(), noCsrf.body());
        assertEquals(JobStatus.RUNNING, deployment.client.status(d).status(), "nothing cancelled it");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());

        // the gateway's /metrics: the fleet as Redis has it, and the JVM
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("deployster_queue_depth{queue=\"nightly\"} 1.0"), metrics);
        assertTrue(metrics.contains("jvm_threads_live_threads"), metrics);
        assertTrue(metrics.contains("deployster_workers{state=\"alive\"} 1.0"), metrics);
        assertTrue(metrics.contains("deployster_jobs_submitted_total{queue=\"deploy\"} 3.0"), "A, B and D: " + metrics);
        assertTrue(metrics.contains("deployster_jobs_submitted_total{queue=\"nightly\"} 1.0"), metrics);
        assertEquals(JobStatus.QUEUED, deployment.client.status(nightly).status());
    }
}
