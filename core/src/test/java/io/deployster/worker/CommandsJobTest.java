package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CommandsJobTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "w1", 2);

    @Test
    void runsCommandsInOrderAndStreamsBothOutputsWithEvents() throws Exception {
        String id = deployment.client().submit(JobSpec.commands("shop", dir.toString(),
                List.of("echo one", "echo two >&2", "pwd")).submittedBy("build #7").build());
        List<LogEntry> entries = new ArrayList<>();
        JobState state = deployment.client().follow(id, LogFollower.START, entries::add);

        assertEquals(JobStatus.SUCCEEDED, state.status());
        assertEquals(0, state.exitCode());
        assertEquals("w1", state.worker());
        assertEquals("build #7", state.submittedBy());
        assertNotNull(state.startedAt());
        assertNotNull(state.endedAt());
        List<String> lines = entries.stream().filter(LogEntry::isLine).map(e -> e.stream() + ":" + e.text()).toList();
        assertEquals(List.of("out:one", "err:two", "out:" + dir.toRealPath()), lines);
        List<String> events = entries.stream().filter(e -> !e.isLine()).map(LogEntry::event).toList();
        assertEquals(List.of("queued", "started", "command", "command-ended", "command", "command-ended", "command",
                "command-ended", "finished"), events);
        assertTrue(entries.stream().allMatch(e -> e.timestamp() > 0), "every entry carries a timestamp");
    }

    @Test
    void stopsAtTheFirstFailingCommandAndRecordsWhichOneFailed() throws Exception {
        Path marker = dir.resolve("third-ran");
        String id = deployment.client().submit(JobSpec.commands("shop", dir.toString(),
                List.of("true", "echo broken; exit 3", "touch " + marker)).build());
        JobState state = deployment.client().await(id);

        assertEquals(JobStatus.FAILED, state.status());
        assertEquals(3, state.exitCode());
        assertEquals(1, state.failedCommand());
        assertTrue(state.reason().contains("command 2 of 3 exited with 3"), state.reason());
        assertTrue(Files.notExists(marker), "a command after the failing one must not run");
    }

    @Test
    void writesEnvAsPrivateDotEnvAndExportsItToTheCommands() throws Exception {
        String id = deployment.client().submit(JobSpec.commands("shop", dir.toString(),
                List.of("echo \"$GREETING/$QUOTED/$PRICE\"")).env(envInOrder("GREETING", "hello world", "QUOTED", "it's", "PRICE", "$5 `each`")).build());
        List<String> lines = new ArrayList<>();
        JobState state = deployment.client().follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });

        assertEquals(JobStatus.SUCCEEDED, state.status());
        assertEquals(List.of("hello world/it's/$5 `each`"), lines);
        Path env = dir.resolve(".env");
        assertEquals("GREETING='hello world'\nQUOTED=\"it's\"\nPRICE='$5 `each`'\n", Files.readString(env));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
    }

    private static Map<String, String> envInOrder(String... namesAndValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    @Test
    void aMissingDirectoryFailsTheJobWithAClearReason() throws Exception {
        String id = deployment.client().submit(JobSpec.commands("shop", dir.resolve("nope").toString(), List.of("true")).build());
        JobState state = deployment.client().await(id);

        assertEquals(JobStatus.FAILED, state.status());
        assertTrue(state.reason().contains("(field 'cd') does not exist"), state.reason());
        assertNull(state.exitCode());
    }

    @Test
    void followingFromAnEntryIdResumesWithNoGapAndNoRepeat() throws Exception {
        String id = deployment.client().submit(JobSpec.commands("shop", dir.toString(), List.of("seq 1 50")).build());
        List<LogEntry> all = new ArrayList<>();
        deployment.client().follow(id, LogFollower.START, all::add);

        LogEntry cut = all.stream().filter(e -> "20".equals(e.text())).findFirst().orElseThrow();
        List<String> resumed = new ArrayList<>();
        deployment.client().follow(id, cut.id(), e -> { if (e.isLine()) resumed.add(e.text()); });
        List<String> expected = new ArrayList<>();
        for (int i = 21; i <= 50; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, resumed);
    }
}
