package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobStatus;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `submit` tells the user beyond the job's log: that no worker serves the queue the job went to (a
 * mistyped name holds the project's later deploys for nothing), and, when the follower itself is
 * stopped, that the deploy goes on and how to follow or stop it.
 */
class SubmitFollowTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private CliTest.Run submit(String queue) {
        return CliTest.run("submit", "--redis", redis.uri(), "--project", "warned", "--queue", queue, "--cd", dir.toString(), "--no-follow",
                "--command", "true");
    }

    @Test
    void aJobOnAQueueNoLiveWorkerServesIsWarnedAboutNamingTheQueueAndWhatToDo() throws Exception {
        CliTest.Run typo = submit("depoly");
        assertEquals(ExitCodes.SUCCEEDED, typo.exit(), typo.err());
        String id = typo.out().strip();
        assertTrue(typo.err().contains("deployster: warning: no live worker serves queue 'depoly'; " + id + " waits there, and its "
                + "project's later deploys wait behind it, until a worker runs with --queues depoly. Check the name ('deployster "
                + "workers' lists what each worker serves), or stop it: deployster cancel " + id), typo.err());
        // as the warning says: the typo'd job holds the project's order until it is stopped
        assertEquals(ExitCodes.SUCCEEDED, CliTest.run("cancel", "--redis", redis.uri(), id).exit());

        Path workflow = dir.resolve("wf.yaml");
        Files.writeString(workflow, """
                project: warned-wf
                defaults: {cd: /tmp, queue: served}
                tasks:
                  build: {commands: ["true"]}
                  ship: {queue: nowhere, needs: [build], commands: ["true"]}
                """);
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("warn-w", 1, "served");
            Await.until("warn-w serves 'served'", Duration.ofSeconds(10), () -> d.client.unserved(List.of("served")).isEmpty());
            CliTest.Run served = submit("served");
            assertEquals(ExitCodes.SUCCEEDED, served.exit(), served.err());
            assertFalse(served.err().contains("warning"), "a served queue gets no warning: " + served.err());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(served.out().strip()).status());

            CliTest.Run wf = CliTest.run("submit", "--redis", redis.uri(), "--workflow", workflow.toString(), "--no-follow");
            assertEquals(ExitCodes.SUCCEEDED, wf.exit(), wf.err());
            assertTrue(wf.err().contains("no live worker serves queue 'nowhere'; " + wf.out().strip() + " waits there"), wf.err());
            assertFalse(wf.err().contains("'served'"), "only the unserved queue is named: " + wf.err());
        }
    }

    @Test
    void stoppingTheFollowerSaysTheDeployGoesOnAndHowToFollowOrStopIt() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.deployster.cli.Main",
                "submit", "--redis", redis.uri(), "--project", "stopped", "--queue", "unserved-" + ProcessHandle.current().pid(),
                "--cd", dir.toString(), "--command", "true"));
        Process follower = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Await.until("the follower printed the job id", Duration.ofSeconds(30),
                    () -> read(out).strip().length() > 0 || !follower.isAlive());
            String id = read(out).strip();
            // what timeout(1) sends, as a CI's abort does
            new ProcessBuilder("kill", "-TERM", Long.toString(follower.pid())).start().waitFor();
            assertTrue(follower.waitFor(30, TimeUnit.SECONDS), "the follower exits on TERM");
            assertEquals(143, follower.exitValue(), read(err));
            assertTrue(read(err).contains("deployster: stopped following " + id + "; the deploy goes on (it was not cancelled). "
                    + "Follow it again: deployster logs -f " + id + "; stop it: deployster cancel " + id), read(err));
            CliTest.Run status = CliTest.run("status", "--redis", redis.uri(), id);
            assertTrue(status.out().contains("queued"), "the job itself is untouched: " + status.out());
        } finally {
            follower.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
