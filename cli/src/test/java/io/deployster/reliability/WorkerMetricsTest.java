package io.deployster.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;

/** A worker process's --metrics-listen endpoint, scraped as Prometheus would, after real jobs. */
class WorkerMetricsTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    /** One scrape: sample name with its labels (sorted) to value. */
    record Scrape(String text, Map<String, Double> samples) {
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

        static Scrape parse(String text) {
            Map<String, Double> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (!line.startsWith("#") && m.matches()) {
                    samples.put(key(m.group(1), m.group(3) == null ? "" : m.group(3)), Double.parseDouble(m.group(4)));
                }
            }
            return new Scrape(text, samples);
        }

        private static String key(String name, String labels) {
            List<String> pairs = labels.isEmpty() ? List.of() : List.of(labels.split(",(?=[a-zA-Z_]+=\")"));
            return name + pairs.stream().sorted().toList();
        }

        /** @param labels name="value" pairs, in any order */
        double value(String name, String... labels) {
            Double v = samples.get(key(name, String.join(",", labels)));
            if (v == null) {
                throw new AssertionError("no sample " + name + List.of(labels) + " in:\n" + text);
            }
            return v;
        }
    }

    private static Scrape scrape(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
        return Scrape.parse(r.body());
    }

    @Test
    void scrapeAfterRealJobsShowsWhatHappened() throws Exception {
        Path go = dir.resolve("go");
        String wait = "while [ ! -e " + go + " ]; do sleep 0.05; done";
        try (Deployment d = new Deployment(redis.uri());
             WorkerProcess worker = WorkerProcess.start(redis.client(), dir, "metrics-w", "--concurrency", "2",
                     "--metrics-listen", "127.0.0.1:0")) {
            Matcher at = Pattern.compile("metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher("");
            Await.until("the worker logs its metrics URL", Duration.ofSeconds(10), () -> at.reset(worker.output()).find());
            String url = at.group(1);

            String printed = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo one; echo two; echo three >&2")).build());
            String failed = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("exit 1")).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(printed).status());
            assertEquals(JobStatus.FAILED, d.client.await(failed).status());
            redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY,
                    Map.of("job", "bad-entry-1", "spec", "{not json")));
            Await.until("the bad entry is rejected", Duration.ofSeconds(10), () -> d.client.status("bad-entry-1") != null
                    && d.client.status("bad-entry-1").status() == JobStatus.FAILED);

            // A holds lock 'app' and one slot; B is parked behind it; C fills the other slot; D then waits in the queue
            String a = d.client.submit(JobSpec.commands("app", dir.toString(), List.of(wait)).build());
            Await.until("A runs", Duration.ofSeconds(10), () -> d.client.status(a).status() == JobStatus.RUNNING);
            String b = d.client.submit(JobSpec.commands("app", dir.toString(), List.of("true")).build());
            Await.until("B waits for the lock", Duration.ofSeconds(10), () -> d.client.status(b).status() == JobStatus.WAITING);
            String c = d.client.submit(JobSpec.commands("other", dir.toString(), List.of(wait)).build());
            Await.until("C runs", Duration.ofSeconds(10), () -> d.client.status(c).status() == JobStatus.RUNNING);
            String e = d.client.submit(JobSpec.commands("third", dir.toString(), List.of("true")).build());

            Scrape busy = scrape(url);
            assertEquals(1, busy.value("deployster_queue_depth", "queue=\"deploy\""), "E waits in the queue");
            assertTrue(busy.value("deployster_queue_oldest_age_seconds", "queue=\"deploy\"") >= 0);
            assertEquals(2, busy.value("deployster_worker_slots", "worker=\"metrics-w\"", "state=\"busy\""));
            assertEquals(0, busy.value("deployster_worker_slots", "worker=\"metrics-w\"", "state=\"idle\""));

            Files.writeString(go, "");
            for (String id : List.of(a, b, c, e)) {
                assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status(), id);
            }
            // what each job's own log says: from being parked behind the lock holder to its start
            long waitedMillis = 0;
            for (String id : List.of(printed, failed, a, b, c, e)) {
                long started = d.client.status(id).startedAt().toEpochMilli();
                waitedMillis += d.client.log(id, "0-0", 10).stream().filter(x -> "waiting".equals(x.event()))
                        .findFirst().map(x -> started - x.timestamp()).orElse(0L);
            }
            assertTrue(waitedMillis > 0, "B was parked behind A");

            Scrape s = scrape(url);
            assertEquals(6, s.value("deployster_jobs_started_total", "queue=\"deploy\""), "printed, failed, A, B, C, E");
            assertEquals(5, s.value("deployster_jobs_finished_total", "queue=\"deploy\"", "status=\"succeeded\""));
            assertEquals(1, s.value("deployster_jobs_finished_total", "queue=\"deploy\"", "status=\"failed\""));
            assertEquals(1, s.value("deployster_jobs_rejected_total", "queue=\"deploy\"", "reason=\"invalid_spec\""));
            assertEquals(5, s.value("deployster_job_run_seconds_count", "queue=\"deploy\"", "status=\"succeeded\""));
            assertEquals(3, s.value("deployster_log_lines_shipped_total"), "one, two, three");
            assertEquals(3, s.value("deployster_log_line_latency_seconds_count"));
            assertEquals(6, s.value("deployster_job_lock_wait_seconds_count"), "one per started job");
            double lockWait = s.value("deployster_job_lock_wait_seconds_sum");
            assertEquals(waitedMillis / 1000.0, lockWait, 0.002, "the jobs' waits for their lock, as their logs tell");
            assertTrue(s.value("deployster_lock_handoff_seconds_count") >= 1, "A's end handed the lock to B");
            assertTrue(s.value("deployster_lock_handoff_seconds_bucket", "le=\"+Inf\"") >= 1);
            assertEquals(0, s.value("deployster_queue_depth", "queue=\"deploy\""));
            assertEquals(0, s.value("deployster_queue_oldest_age_seconds", "queue=\"deploy\""));
            assertEquals(0, s.value("deployster_worker_slots", "worker=\"metrics-w\"", "state=\"busy\""));
            assertEquals(2, s.value("deployster_worker_slots", "worker=\"metrics-w\"", "state=\"idle\""));
            assertTrue(s.text().contains("\njvm_threads_live_threads "), "JVM metrics are exposed");
            assertTrue(!s.text().contains(a), "no job ids in labels");
        } finally {
            Files.writeString(go, "");
        }
    }
}
