package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.reliability.WorkerProcess;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The terminal views an operator uses to see what is queued, who holds a lock and which workers live. */
class OpsViewsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        String line(String containing) {
            return lines().stream().filter(l -> l.contains(containing)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in:\n" + out));
        }
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--redis", redis.uri()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(ExitCodes.SUCCEEDED, exit, String.join(" ", args) + ": " + err);
        return new Run(exit, out.toString(), err.toString());
    }

    private JsonArray json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        return JsonParser.parseString(run(all.toArray(String[]::new)).out()).getAsJsonArray();
    }

    private JsonObject named(JsonArray array, String field, String value) {
        for (JsonElement e : array) {
            if (value.equals(e.getAsJsonObject().get(field).getAsString())) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + field + " '" + value + "' in " + array);
    }

    @Test
    void queuesWorkersProjectsAndJobsShowWhatIsGoingOn() throws Exception {
        Path go = dir.resolve("go");
        try (Deployment d = new Deployment(redis.uri())) {
            try {
                check(d, go);
            } finally {
                // a failed check must not leave the job to run out the worker's shutdown grace
                Files.writeString(go, "");
            }
        }
    }

    private void check(Deployment d, Path go) throws Exception {
        {
            d.worker("ops-w1", 1, "deploy");
            Worker stopped = d.worker("ops-w3", 1, "other");
            stopped.close();
            // a worker process that is killed outright, in a job, stops its heartbeats: it shows as dead once its
            // lost-after has passed, and holds no slot once its job ended lost (its last heartbeat said 1/1)
            String crashedJob;
            try (WorkerProcess crashed = WorkerProcess.start(redis.client(), dir, "ops-w2", "--queues", "other", "--lost-after", "1s",
                    "--lock-ttl", "2s")) {
                crashedJob = d.client.submit(JobSpec.commands("crash", dir.toString(), List.of("sleep 60")).queue("other").build());
                Await.until("ops-w2 runs a job and says so", Duration.ofSeconds(10),
                        () -> named(json("workers"), "name", "ops-w2").get("busy").getAsInt() == 1);
                crashed.signal("KILL");
            }
            Await.until("ops-w2 shows as dead and its job as lost", Duration.ofSeconds(20),
                    () -> !named(json("workers"), "name", "ops-w2").get("alive").getAsBoolean()
                            && d.client.status(crashedJob).status() == JobStatus.LOST);
            // the running job holds shop's lock and ops-w1's only slot until the test lets it go
            String a = d.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of("while [ ! -e " + go + " ]; do sleep 0.05; done")).submittedBy("alice").build());
            Await.until("job A runs", Duration.ofSeconds(10), () -> d.client.status(a).status() == JobStatus.RUNNING);
            Instant beforeB = Instant.now();
            String b = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).submittedBy("bob").build());
            String c = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).submittedBy("carol").build());
            String n = d.client.submit(JobSpec.commands("reports", dir.toString(), List.of("true")).queue("nightly").build());
            // a job cancelled while queued is gone from its queue: depth and age count only jobs that can still run
            String dropped = d.client.submit(JobSpec.commands("reports", dir.toString(), List.of("true")).queue("nightly").build());
            d.client.cancel(dropped, "not tonight");

            JsonArray queues = json("queues");
            JsonObject deploy = named(queues, "name", "deploy");
            assertEquals(2, deploy.get("depth").getAsLong(), "B and C wait in the queue: " + deploy);
            Instant oldest = Instant.parse(deploy.get("oldestEntryAt").getAsString());
            assertTrue(!oldest.isBefore(beforeB.minusMillis(1)) && !oldest.isAfter(Instant.now()), "oldest is B's entry: " + oldest);
            assertEquals("[\"ops-w1\"]", deploy.get("consumers").toString());
            JsonObject nightly = named(queues, "name", "nightly");
            assertEquals(1, nightly.get("depth").getAsLong());
            assertEquals(0, nightly.getAsJsonArray("consumers").size(), "no worker serves nightly");
            Run table = run("queues");
            assertTrue(table.lines().get(0).matches("QUEUE +DEPTH +TAKEN +OLDEST WAITING +CONSUMERS"), table.out());
            assertTrue(table.line("deploy ").matches("deploy +2 +0 +\\d+ s +1 \\(ops-w1\\)"), table.out());
            assertTrue(table.line("nightly").endsWith("0 (none alive)"), table.out());

            Await.until("ops-w1's heartbeat shows its busy slot", Duration.ofSeconds(10),
                    () -> named(json("workers"), "name", "ops-w1").get("busy").getAsInt() == 1);
            JsonArray workers = json("workers");
            JsonObject w1 = named(workers, "name", "ops-w1");
            assertTrue(w1.get("alive").getAsBoolean());
            assertEquals("[\"deploy\"]", w1.get("queues").toString());
            assertEquals(1, w1.get("slots").getAsInt());
            assertEquals("[\"" + a + "\"]", w1.get("running").toString());
            JsonObject w2 = named(workers, "name", "ops-w2");
            assertTrue(!w2.get("alive").getAsBoolean(), "a stopped worker shows as dead: " + w2);
            assertTrue(workers.toString().indexOf("ops-w3") < 0, "a worker that stopped cleanly is not shown: " + workers);
            Run wt = run("workers");
            assertTrue(wt.line("ops-w1").matches("ops-w1 +alive +deploy +1/1 +\\d+ s ago +" + a), wt.out());
            assertTrue(wt.line("ops-w2").matches("ops-w2 +dead +other +0/1 +\\d+ s ago +-"), wt.out());
            assertTrue(wt.lines().indexOf(wt.line("ops-w1")) < wt.lines().indexOf(wt.line("ops-w2")), "alive ones first");

            JsonObject shop = named(json("projects"), "name", "shop");
            assertEquals(a, shop.get("lockHolder").getAsString());
            assertEquals(1, shop.get("fencingToken").getAsLong());
            assertEquals("[\"" + b + "\",\"" + c + "\"]", shop.get("waiting").toString());
            assertTrue(run("projects").line("shop").matches("shop +" + a + " +1 +2 +" + b), run("projects").out());
            Run project = run("project", "shop");
            assertTrue(project.out().contains("  lock: held by job " + a + " (running on ops-w1), lease "), project.out());
            assertTrue(project.out().contains("  fencing token: 1 "), project.out());
            assertTrue(project.out().contains("  waiting: 2, in the order they will start:"), project.out());
            assertTrue(project.line(b).matches("1 +" + b + " +queued +deploy +.+ +bob"), project.out());
            assertTrue(project.line(c).matches("2 +" + c + " +queued +deploy +.+ +carol"), project.out());

            // a hash some other program wrote into the namespace: left out, the list still shows every job
            redis.client().run(j -> j.hset(Keys.defaults().job("not-ours"), Map.of("status", "weird", "project", "shop")));
            Run all = run("jobs");
            assertEquals(0, all.exit(), all.err());
            assertTrue(all.out().contains(a) && !all.out().contains("not-ours"), all.out());
            redis.client().run(j -> j.del(Keys.defaults().job("not-ours")));

            JsonArray queued = json("jobs", "--project", "shop", "--status", "queued");
            assertEquals(2, queued.size());
            List<String> queuedIds = new ArrayList<>();
            queued.forEach(e -> queuedIds.add(e.getAsJsonObject().get("id").getAsString()));
            assertEquals(Set.of(b, c), Set.copyOf(queuedIds));
            assertTrue(!Instant.parse(queued.get(0).getAsJsonObject().get("submittedAt").getAsString())
                    .isBefore(Instant.parse(queued.get(1).getAsJsonObject().get("submittedAt").getAsString())), "newest first: " + queued);
            JsonArray newest = json("jobs", "--limit", "1");
            assertEquals(1, newest.size());
            Instant latest = Instant.parse(d.client.status(dropped).submittedAt().toString());
            assertEquals(latest.toString(), newest.get(0).getAsJsonObject().get("submittedAt").getAsString(), "the last submitted");
            assertTrue(run("jobs", "--status", "running").line(a).matches(a + " +shop +deploy +running +.+ +ops-w1 +- +alice"));

            Files.writeString(go, "");
            for (String id : List.of(a, b, c)) {
                assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            }
            JsonObject done = named(json("projects"), "name", "shop");
            assertTrue(done.get("lockHolder").isJsonNull() && done.get("waitingCount").getAsLong() == 0, done.toString());
            assertEquals(3, done.get("fencingToken").getAsLong(), "three grants: A, B, C");
            assertEquals(3, json("jobs", "--project", "shop", "--status", "succeeded").size());
            Run after = run("project", "shop");
            assertTrue(after.out().contains("  lock: free") && after.out().contains("  waiting: 0"), after.out());
            assertTrue(after.line(c).contains("succeeded"), "last deploys: " + after.out());
        }
    }

    @Test
    void badFiltersNameTheOptionTheValueAndWhatIsAllowed() {
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"jobs", "--redis", redis.uri(), "--status", "done"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(ExitCodes.USAGE, exit);
        assertTrue(err.toString().contains("--status 'done' is not allowed; use one of queued, waiting, running, succeeded, failed, "
                + "cancelled, timed_out, lost, rejected"), err.toString());
        err = new StringWriter();
        exit = Main.run(new String[] {"jobs", "--redis", redis.uri(), "--project", "a b"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(ExitCodes.USAGE, exit);
        assertTrue(err.toString().contains("project 'a b' is not allowed"), err.toString());
    }
}
