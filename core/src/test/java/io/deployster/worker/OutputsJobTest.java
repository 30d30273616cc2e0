package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.protocol.JobField;
import io.deployster.redis.Keys;
import io.deployster.testing.Await;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import io.deployster.workflow.OutputFiles;
import io.deployster.workflow.Outputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a job leaves at $DEPLOYSTER_OUTPUT, read by a real worker: odd files never hold the job, and long files are cut at a line. */
class OutputsJobTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "w1", 2);

    private String run(String... commands) {
        String id = deployment.client().submit(JobSpec.commands("outputs", dir.toString(), List.of(commands)).build());
        Await.until("job " + id + " to end", Duration.ofSeconds(60), () -> deployment.client().status(id).status().isTerminal());
        assertEquals(JobStatus.SUCCEEDED, deployment.client().status(id).status(), deployment.client().status(id).reason());
        return id;
    }

    private static String outputs(String id) {
        return redis.client().call(j -> j.hget(Keys.defaults().job(id), JobField.OUTPUTS));
    }

    @Test
    void aFifoInPlaceOfTheFileIsIgnoredInsteadOfHoldingTheJob() {
        String id = run("rm \"$DEPLOYSTER_OUTPUT\" && mkfifo \"$DEPLOYSTER_OUTPUT\"");
        assertNull(outputs(id));
        String next = run("echo a=1 >> \"$DEPLOYSTER_OUTPUT\"");
        assertEquals("{\"a\":\"1\"}", outputs(next), "the worker goes on serving");
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsIgnoredAndRemoved() {
        String id = run("rm \"$DEPLOYSTER_OUTPUT\" && mkdir -p \"$DEPLOYSTER_OUTPUT/sub\" && touch \"$DEPLOYSTER_OUTPUT/sub/x\"");
        assertNull(outputs(id));
    }

    @Test
    void onlyWholeLinesWithinTheFirst64KiBAreKept() {
        String value = "https://example.org/releases/v1.2.3/artifact.tgz";
        int lines = Outputs.MAX_BYTES / ("url=" + value + "\n").length() + 100;
        String id = run("yes 'url=" + value + "' | head -n " + lines + " >> \"$DEPLOYSTER_OUTPUT\"", "echo done=1 >> \"$DEPLOYSTER_OUTPUT\"");
        assertEquals("{\"url\":\"" + value + "\"}", outputs(id), "the line cut at 64 KiB is left out, not kept half");
    }

    @Test
    void theFileIsThereEmptyAndItsDirectoryIsMadeAgainWhenAJobRemovedIt() {
        run("rm -rf \"$(dirname \"$DEPLOYSTER_OUTPUT\")\"");
        String id = run("test -f \"$DEPLOYSTER_OUTPUT\" && test ! -s \"$DEPLOYSTER_OUTPUT\"", "echo version=2 >> \"$DEPLOYSTER_OUTPUT\"");
        assertEquals("{\"version\":\"2\"}", outputs(id));
    }

    @Test
    void theDirectoryReplacedByAFileOrALinkIsMadeAgainPrivate() throws Exception {
        run("d=$(dirname \"$DEPLOYSTER_OUTPUT\"); rm -rf \"$d\"; echo x > \"$d\"");
        assertEquals("{\"a\":\"1\"}", outputs(run("echo a=1 >> \"$DEPLOYSTER_OUTPUT\"")), "a file in the directory's place");
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        run("d=$(dirname \"$DEPLOYSTER_OUTPUT\"); rm -rf \"$d\"; ln -s " + elsewhere + " \"$d\"");
        String id = run("test \"$(stat -c %a \"$(dirname \"$DEPLOYSTER_OUTPUT\")\")\" = 700 && test ! -L \"$(dirname \"$DEPLOYSTER_OUTPUT\")\"",
                "echo b=2 >> \"$DEPLOYSTER_OUTPUT\"");
        assertEquals("{\"b\":\"2\"}", outputs(id));
        try (var left = Files.list(elsewhere)) {
            assertEquals(0, left.count(), "no job's file may be made where a link in the directory's place points");
        }
    }

    @Test
    void theDirectoryGivenToAnotherUserIsMadeAgainTheWorkersOwn() {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        run("chown nobody \"$(dirname \"$DEPLOYSTER_OUTPUT\")\"");
        String id = run("test \"$(stat -c %U:%a \"$(dirname \"$DEPLOYSTER_OUTPUT\")\")\" = \"$(id -un):700\"", "echo c=3 >> \"$DEPLOYSTER_OUTPUT\"");
        assertEquals("{\"c\":\"3\"}", outputs(id), "another user could have put a file of theirs in the job's place");
    }

    @Test
    void aDirectoryLeftByAKilledWorkerIsRemovedByTheNextOne() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path left = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"), "deployster-outputs-" + gone.pid() + "-test"));
        Files.writeString(left.resolve("job.env"), "a=1\n");
        OutputFiles.create().close();
        assertFalse(Files.exists(left), "the directory of a worker whose process is gone");
    }
}
