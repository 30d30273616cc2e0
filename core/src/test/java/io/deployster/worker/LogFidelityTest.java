package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LogFidelityTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @Test
    void twoHundredThousandLinesArriveCompleteAndInOrder() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.commands("big", dir.toString(),
                    List.of("seq 1 200000", "seq 1 1000 >&2")).build());
            int[] next = {1};
            int[] errLines = {0};
            List<String> problems = new ArrayList<>();
            JobState state = deployment.client.follow(id, LogFollower.START, e -> {
                if (!e.isLine()) {
                    return;
                }
                if (LogEntry.STDERR.equals(e.stream())) {
                    errLines[0]++;
                } else if (!e.text().equals(Integer.toString(next[0]++)) && problems.size() < 5) {
                    problems.add("expected " + (next[0] - 1) + " got " + e.text());
                }
            });
            assertEquals(JobStatus.SUCCEEDED, state.status());
            assertEquals(List.of(), problems);
            assertEquals(200_001, next[0], "stdout lines received + 1");
            assertEquals(1000, errLines[0]);
        }
    }

    @Test
    void invalidUtf8AndOverlongLinesDoNotBreakTheStream() throws Exception {
        Path script = dir.resolve("emit.sh");
        Files.writeString(script, "printf 'caf\\351 ok\\n'\nhead -c 100000 /dev/zero | tr '\\0' x; echo\necho after\nprintf 'no newline at end'\n");
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            String id = deployment.client.submit(JobSpec.commands("bytes", dir.toString(), List.of("sh " + script)).build());
            List<String> lines = new ArrayList<>();
            JobState state = deployment.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });

            assertEquals(JobStatus.SUCCEEDED, state.status());
            assertEquals(4, lines.size(), lines.toString());
            assertEquals("caf\uFFFD ok", lines.get(0));
            assertTrue(lines.get(1).startsWith("x".repeat(16 * 1024) + " [deployster: line cut, " + (100_000 - 16 * 1024) + " more bytes"),
                    lines.get(1).substring(16 * 1024));
            assertEquals("after", lines.get(2));
            assertEquals("no newline at end", lines.get(3));
        }
    }
}
