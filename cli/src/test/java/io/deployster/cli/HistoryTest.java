package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.queue.QueueSettings;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `deployster history`: every ended job of a project, as an operator asks for it days later. */
class HistoryTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private JobSpec job(String command) {
        return JobSpec.commands("shop", dir.toString(), List.of(command)).ref("v1.2.0").commit("9f2c4e1d7a6b3c5e8f90")
                .submittedBy("https://ci.example.org/job/shop/42/").build();
    }

    @Test
    void everyEndedJobIsInTheHistoryNewestFirstAndOutlivesTheJob() throws Exception {
        // a retention of 1 s: the jobs' own hashes are gone long before anyone reads the history
        QueueSettings settings = new QueueSettings(Duration.ofSeconds(30), 10_000, Duration.ofSeconds(1));
        try (Deployment d = new Deployment(redis.uri(), settings)) {
            d.worker("history-worker", 1);
            String ok = d.client.submit(job("echo deployed"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(ok).status());
            String failed = d.client.submit(job("exit 3"));
            assertEquals(JobStatus.FAILED, d.client.await(failed).status());
            // no worker serves 'later' yet: this one is cancelled while still queued, so it never started
            String cancelled = d.client.submit(job("echo never").toBuilder().queue("later").build());
            d.client.cancel(cancelled, "not today");
            Await.until("the jobs' hashes expire", Duration.ofSeconds(10), () -> d.client.status(ok) == null && d.client.status(cancelled) == null);

            Run table = run("history", "shop", "--redis", redis.uri());
            assertEquals(ExitCodes.SUCCEEDED, table.exit(), table.err());
            List<String> lines = table.out().lines().toList();
            assertTrue(lines.get(0).matches("ENDED +JOB +STATUS +REF +COMMIT +DURATION +WORKER +SUBMITTED BY +REASON"), lines.get(0));
            assertEquals(4, lines.size(), table.out());
            assertTrue(lines.get(1).contains(cancelled) && lines.get(1).contains("cancelled") && lines.get(1).contains("not today"), lines.get(1));
            assertTrue(lines.get(2).contains(failed) && lines.get(2).contains(" failed ") && lines.get(2).contains("exited with 3"), lines.get(2));
            assertTrue(lines.get(3).contains(ok) && lines.get(3).contains("succeeded") && lines.get(3).contains("v1.2.0")
                    && lines.get(3).contains("9f2c4e1d7a6b ") && lines.get(3).contains("history-worker")
                    && lines.get(3).contains("https://ci.example.org/job/shop/42/"), lines.get(3));

            Run json = run("history", "shop", "--redis", redis.uri(), "--json", "--limit", "2");
            JsonArray deploys = JsonParser.parseString(json.out()).getAsJsonArray();
            assertEquals(2, deploys.size(), "--limit 2");
            JsonObject f = deploys.get(1).getAsJsonObject();
            assertEquals(failed, f.get("id").getAsString());
            assertEquals("failed", f.get("status").getAsString());
            assertEquals("v1.2.0", f.get("ref").getAsString());
            assertEquals("9f2c4e1d7a6b3c5e8f90", f.get("commit").getAsString());
            assertEquals("https://ci.example.org/job/shop/42/", f.get("submittedBy").getAsString());
            assertEquals("history-worker", f.get("worker").getAsString());
            assertTrue(f.get("reason").getAsString().contains("exited with 3"), f.toString());
            long duration = f.get("durationMillis").getAsLong();
            assertEquals(Instant.parse(f.get("endedAt").getAsString()).toEpochMilli()
                    - Instant.parse(f.get("startedAt").getAsString()).toEpochMilli(), duration);
            JsonObject c = deploys.get(0).getAsJsonObject();
            assertTrue(c.get("startedAt").isJsonNull() && c.get("worker").isJsonNull() && c.get("durationMillis").isJsonNull(),
                    "a job cancelled while queued never started: " + c);
        }
    }

    @Test
    void historyKeepsTheLastNDeploysOfEachProject() throws Exception {
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT.withHistoryLimit(3))) {
            d.worker("history-worker", 1);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(d.client.submit(job("echo " + i)));
            }
            for (String id : ids) {
                d.client.await(id);
            }
            JsonArray deploys = JsonParser.parseString(run("history", "shop", "--redis", redis.uri(), "--json").out()).getAsJsonArray();
            List<String> kept = new ArrayList<>();
            deploys.forEach(e -> kept.add(e.getAsJsonObject().get("id").getAsString()));
            assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), kept);
            assertEquals("no deploys of project other have ended yet (or none is kept)",
                    run("history", "other", "--redis", redis.uri()).out().strip());
        }
    }

    @Test
    void badInputNamesTheFieldTheValueAndWhatIsAllowed() {
        Run limit = run("history", "shop", "--redis", redis.uri(), "--limit", "0");
        assertEquals(ExitCodes.USAGE, limit.exit());
        assertTrue(limit.err().contains("limit 0 is not allowed; use 1 to 100000"), limit.err());
        Run project = run("history", "shop/../x", "--redis", redis.uri());
        assertEquals(ExitCodes.USAGE, project.exit());
        assertTrue(project.err().contains("project 'shop/../x' is not allowed; use 1 to 100 of A-Z a-z 0-9 . _ -"), project.err());
    }
}
