package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deployster logs --follow --after ENTRY} resuming after the last entry it saw (as printed by
 * {@code --show-ids}): when that entry was the job's end, it exits with the job's result instead of
 * waiting for ever for an entry that never comes.
 */
class LogsResumeAfterEndTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private static CompletableFuture<Integer> logs(StringWriter err, String... args) {
        return CompletableFuture.supplyAsync(() -> Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
    }

    @Test
    void aFollowerResumingAfterTheFinishedEntryExitsWithTheResult() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            // no worker: cancelled while queued, the job ends at once with its 'finished' entry
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).build());
            assertEquals(ExitCodes.SUCCEEDED, Main.run(new String[] {"cancel", "--redis", redis.uri(), id},
                    new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
            List<LogEntry> entries = deployment.client.log(id, LogFollower.START, 100);
            LogEntry last = entries.get(entries.size() - 1);
            assertTrue(last.isFinished(), entries.toString());

            StringWriter err = new StringWriter();
            CompletableFuture<Integer> resumed = logs(err, "logs", "--redis", redis.uri(), "--follow", "--after", last.id(), id);
            assertEquals(ExitCodes.CANCELLED, resumed.get(30, TimeUnit.SECONDS), err.toString());
        }
    }

    @Test
    void aFollowerPastTheLogOfAJobThatThenEndsExitsWithTheResult() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            String id = deployment.client.submit(JobSpec.commands("shop", dir.toString(), List.of("true")).build());
            StringWriter err = new StringWriter();
            // an entry id later than any the job will write
            CompletableFuture<Integer> follower = logs(err, "logs", "--redis", redis.uri(), "--follow", "--after", "99999999999999-0", id);
            Await.until("the job is queued", Duration.ofSeconds(30), () -> deployment.client.status(id) != null);
            assertEquals(ExitCodes.SUCCEEDED, Main.run(new String[] {"cancel", "--redis", redis.uri(), id},
                    new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
            assertEquals(ExitCodes.CANCELLED, follower.get(30, TimeUnit.SECONDS), err.toString());
        }
    }
}
