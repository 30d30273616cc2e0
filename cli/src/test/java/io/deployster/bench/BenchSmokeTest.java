package io.deployster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.deployster.cli.ExitCodes;
import io.deployster.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's run of the benchmark: tiny counts, every scenario must complete and the result file must hold
 * every figure. Never a timing assertion: the figures of a smoke run mean nothing.
 */
class BenchSmokeTest {
    private static final List<String> LATENCY = List.of("samples", "p50Ms", "p99Ms", "maxMs", "meanMs", "p50Rtt", "p99Rtt", "maxRtt");
    private static final List<String> LOG_RATE = List.of("lines", "followers", "seconds", "linesPerSecond", "linesPerSecondDelivered");
    private static final List<String> THROUGHPUT = List.of("jobs", "seconds", "jobsPerSecond", "submitsPerSecond", "spawnsPerSecond");
    private static final List<String> FOLLOW = List.of("deploys", "writes", "threads", "connections", "lines",
            "readerCpuMicrosPerLine", "redisCpuMicrosPerLine", "latency");
    private static final List<String> IDLE = List.of("javaOptions", "cpuPercent", "rssMiB", "maxRssMiB", "peakRssMiB", "threads");

    /** Per scenario: its plain figures, and its nested objects with their keys. */
    private static final Map<String, Expected> EXPECTED = Map.of(
            "redis-rtt", new Expected(List.of(), Map.of("ping", LATENCY, "pingHeldConnection", LATENCY)),
            "submit-started", new Expected(List.of("jobs", "warmupJobs"), Map.of("latency", LATENCY)),
            "lock-handoff", new Expected(List.of("handoffs", "warmupHandoffs", "notParked", "holdSeconds"), Map.of("latency", LATENCY)),
            "log-lines", new Expected(List.of("latencyLines", "latencyWarmupLines", "latencyRateLinesPerSecond"), Map.of(
                    "latency", LATENCY, "oneFollower", LOG_RATE, "manyFollowers", LOG_RATE,
                    "redisReference", List.of("lines", "xaddPerSecond", "xreadEntriesPerSecond"))),
            "job-throughput", new Expected(List.of("bestJobsPerSecond", "bestConcurrency", "noOpMode"), Map.of(
                    "concurrency1", THROUGHPUT, "concurrency4", THROUGHPUT, "concurrency16", THROUGHPUT)),
            "footprint", new Expected(List.of("idleSeconds"), Map.of("defaultJvm", IDLE, "tunedJvm", IDLE,
                    "redisMemory", List.of("jobs", "usedMemoryDeltaBytes", "bytesPerJob", "jobHashBytes", "logStreamBytes",
                            "queueStreamBytes", "queueStreamBytesPerJob"))),
            "scale", new Expected(List.of("jobs", "projects", "concurrency", "submitSeconds", "drainSeconds", "jobsPerSecond",
                    "maxWaitMs", "outOfProjectOrder"), Map.of("wait", LATENCY)),
            "controller-follow", new Expected(List.of(), Map.of(
                    "n3", FOLLOW, "n3-spread", FOLLOW, "n10", FOLLOW, "n10-spread", FOLLOW)),
            "gateway", new Expected(List.of(), Map.of("submit", LATENCY, "submitViaHttpClient", LATENCY, "sseLine", LATENCY, "sseLineViaHttpClient", LATENCY, "sseFollowers", List.of("followers", "lines",
                    "allDelivered", "seconds", "linesPerSecondDelivered", "gatewayThreads", "gatewayHttpThreads", "gatewayRssMiB", "gatewayPeakRssMiB",
                    "gatewayCpuPercent"))),
            "cli-start", new Expected(List.of("runs", "command", "medianSeconds", "plainJavaMedianSeconds"), Map.of()));

    private record Expected(List<String> figures, Map<String, List<String>> objects) {
    }

    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void smokeRunCompletesEveryScenarioAndWritesEveryFigure() throws IOException {
        Path result = dir.resolve("out/bench-result.json");
        String[] r = run("bench", "--smoke", "--out", result.toString(), "--dir", dir.resolve("work").toString());

        assertEquals(Integer.toString(ExitCodes.SUCCEEDED), r[0], r[2]);
        JsonObject json = parseStrictly(Files.readString(result));
        assertEquals("deployster-bench/1", json.get("schema").getAsString());
        assertTrue(json.get("smoke").getAsBoolean());
        assertTrue(json.get("allCompleted").getAsBoolean(), r[2]);
        for (String key : List.of("cpus", "cpuModel", "memoryMiB", "os", "java", "loadAverageAtStart")) {
            assertTrue(json.getAsJsonObject("machine").has(key), "machine." + key);
        }
        assertTrue(json.getAsJsonObject("redis").get("version").getAsString().matches("\\d+\\.\\d+.*"), json.get("redis").toString());

        JsonObject scenarios = json.getAsJsonObject("scenarios");
        assertEquals(EXPECTED.keySet(), scenarios.keySet());
        for (Map.Entry<String, Expected> e : EXPECTED.entrySet()) {
            JsonObject s = scenarios.getAsJsonObject(e.getKey());
            assertTrue(s.get("completed").getAsBoolean(), e.getKey() + ": " + s.get("error"));
            assertTrue(s.get("error").isJsonNull(), e.getKey());
            assertTrue(s.get("seconds").getAsDouble() >= 0, e.getKey());
            for (String figure : e.getValue().figures()) {
                assertTrue(s.has(figure) && !s.get(figure).isJsonNull(), e.getKey() + "." + figure);
            }
            for (Map.Entry<String, List<String>> object : e.getValue().objects().entrySet()) {
                JsonObject o = s.getAsJsonObject(object.getKey());
                for (String key : object.getValue()) {
                    assertTrue(o != null && o.has(key) && !o.get(key).isJsonNull(), e.getKey() + "." + object.getKey() + "." + key);
                }
            }
            for (JsonElement target : s.getAsJsonArray("targets")) {
                JsonObject t = target.getAsJsonObject();
                assertTrue(t.has("measure") && t.has("target") && t.has("value"), t.toString());
                assertTrue(t.get("pass").getAsJsonPrimitive().isBoolean(), t.toString());
            }
        }

        // the table names every scenario and gives a verdict beside each target
        for (String name : EXPECTED.keySet()) {
            assertTrue(r[1].contains(name), r[1]);
        }
        assertTrue(r[1].contains("PASS") || r[1].contains("MISS"), r[1]);
    }

    @Test
    void anUnknownScenarioIsRefusedWithTheNamesThatExist() {
        String[] r = run("bench", "--scenario", "submit-start", "--out", dir.resolve("x.json").toString());
        assertEquals(Integer.toString(ExitCodes.USAGE), r[0]);
        assertTrue(r[2].contains("scenario 'submit-start' (--scenario) does not exist; use one or more of redis-rtt, submit-started"), r[2]);
        assertTrue(Files.notExists(dir.resolve("x.json")));
    }

    private static JsonObject parseStrictly(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement element = new Gson().getAdapter(JsonElement.class).read(reader);
        assertEquals(JsonToken.END_DOCUMENT, reader.peek(), "nothing may follow the JSON document");
        return element.getAsJsonObject();
    }
}
