package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's first command: the example deploy with a Redis the command starts itself. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoDeploysTheExampleAndExitsWithItsResult() throws Exception {
        CliTest.Run r = CliTest.run("demo", "--spec", Path.of("../examples/demo/deploy.json").toString(), "--dir", dir.toString());

        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        Path current = dir.resolve("site/current");
        assertEquals("releases/v1.0.0", Files.readSymbolicLink(current).toString());
        assertTrue(Files.readString(current.resolve("index.html")).contains("Hello from Deployster"));
        assertTrue(r.out().contains("current -> releases/v1.0.0"), r.out());
        assertTrue(r.err().contains("succeeded, exit code 0, worker demo-worker"), r.err());
    }

    @Test
    void demoWithServeKeepsThePageAndMetricsUpUntilStopped() throws Exception {
        Path log = dir.resolve("demo.log");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.deployster.cli.Main", "demo", "--spec",
                Path.of("../examples/demo/deploy.json").toString(), "--dir", dir.resolve("run").toString(), "--serve", "127.0.0.1:0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Matcher page = Pattern.compile("operations page: (http://127\\.0\\.0\\.1:\\d+)/ui/ \\(sign in with token (\\S+), role operate\\)")
                    .matcher("");
            Await.until("the demo prints the page's URL and, after the deploy, that it keeps serving", Duration.ofSeconds(60), () -> {
                String text = output(log);
                return page.reset(text).find() && text.contains("still serving the operations page");
            });
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> overview = http.send(HttpRequest.newBuilder(URI.create(page.group(1) + "/ui/api/overview"))
                    .header("Authorization", "Bearer " + page.group(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, overview.statusCode(), overview.body());
            assertTrue(overview.body().contains("\"status\":\"succeeded\"") && overview.body().contains("demo-worker"), overview.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(page.group(1) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("deployster_jobs_finished_total{queue=\"deploy\",status=\"succeeded\"} 1.0"), metrics);
            new ProcessBuilder("kill", "-s", "TERM", Long.toString(demo.pid())).start().waitFor();
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo stops on TERM: " + Files.readString(log));
            assertEquals(ExitCodes.SUCCEEDED, demo.exitValue(), Files.readString(log));
        } finally {
            demo.destroyForcibly().waitFor();
        }
    }

    private static String output(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
