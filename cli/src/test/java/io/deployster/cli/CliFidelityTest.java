package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.redis.Keys;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees: values as given, stdout and stderr apart, progress bars whole, help that tells the truth. */
class CliFidelityTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "cli-worker", 1);

    private String[] submit(String... extra) {
        List<String> args = new ArrayList<>(List.of("submit", "--redis", redis.uri(), "--project", "shop", "--cd", dir.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
    void optionValuesWithQuotesArriveAsGivenAndAreNeverEchoed() {
        // picocli's own warnings go to the process's stderr, not to the command's writer
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliTest.Run r;
        System.setErr(new PrintStream(captured, true));
        try {
            r = CliTest.run(submit("--env", "A=x\"y", "--env", "B=\"quoted\"", "--command", "printf '%s|%s\\n' \"$A\" \"$B\""));
            CliTest.run(submit("--secret-env", "S=s3cr\"et", "--command", "true"));
        } finally {
            System.setErr(stderr);
        }
        assertFalse(captured.toString().contains("x\"y") || captured.toString().contains("s3cr"), captured.toString());
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        assertTrue(r.outLines().contains("x\"y|\"quoted\""), r.out());
        assertFalse(r.err().contains("Unbalanced"), r.err());
        assertFalse(r.err().contains("x\"y"), r.err());
    }

    @Test
    void theJobsStderrGoesToStderrAndItsStdoutToStdout() {
        CliTest.Run r = CliTest.run(submit("--command", "echo to-out; echo to-err >&2"));
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        assertTrue(r.outLines().contains("to-out"), r.out());
        assertFalse(r.out().contains("to-err"), r.out());
        assertTrue(r.err().lines().anyMatch("to-err"::equals), r.err());
        String id = r.outLines().get(0);
        CliTest.Run logs = CliTest.run("logs", "--redis", redis.uri(), id);
        assertFalse(logs.out().contains("to-err"), logs.out());
        assertTrue(logs.err().lines().anyMatch("to-err"::equals), logs.err());
    }

    @Test
    void aCarriageReturnProgressBarEndsInItsFinalState() {
        CliTest.Run r = CliTest.run(submit("--command",
                "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); printf \"\\rdownloading %d/2000\" $i; done; echo; echo after"));
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        String out = r.out();
        int last = out.lastIndexOf("downloading 2000/2000");
        assertTrue(last > 0, out.substring(Math.max(0, out.length() - 300)));
        assertTrue(out.substring(last).startsWith("downloading 2000/2000\nafter\n"), out.substring(last));
        String id = r.outLines().get(0);
        CliTest.Run logs = CliTest.run("logs", "--redis", redis.uri(), "-q", id);
        assertTrue(logs.out().endsWith("downloading 2000/2000\nafter\n"), logs.out());
    }

    @Test
    void aBadOptionGetsOneClearLineWithoutTheWholeUsage() {
        CliTest.Run r = CliTest.run(submit("--env", "NOEQUALS", "--command", "true"));
        assertEquals(ExitCodes.USAGE, r.exit());
        assertFalse(r.err().contains("option option"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
        assertTrue(r.err().contains("--env"), r.err());
        assertTrue(r.err().contains("deployster submit --help"), r.err());
    }

    @Test
    void aCdThatIsAFileIsSaidToBeNotADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        CliTest.Run r = CliTest.run("submit", "--redis", redis.uri(), "--project", "shop", "--cd", file.toString(), "--command", "true");
        assertEquals(ExitCodes.FAILED, r.exit());
        assertTrue(r.err().contains("is not a directory"), r.err());
        assertFalse(r.err().contains("does not exist"), r.err());
    }

    @Test
    void statusLeavesOutEmptyFieldsAndQuietSubmitPrintsWhatItsHelpSays() {
        CliTest.Run quiet = CliTest.run(submit("-q", "--command", "echo hi"));
        String id = quiet.outLines().get(0);
        assertEquals(List.of(id, "hi"), quiet.outLines());
        assertTrue(CliTest.run("submit", "--help").out().replaceAll("\\s+", " ").contains("Print only the job id, its output"), "help says the id is printed");
        CliTest.Run status = CliTest.run("status", "--redis", redis.uri(), id);
        assertFalse(status.out().contains("submitted by:"), status.out());
    }

    @Test
    void topLevelHelpShowsWholeDescriptionsAndEveryExitCode() {
        CliTest.Run help = CliTest.run("--help");
        assertEquals(0, help.exit());
        List<String> lines = help.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("demo") && l.trim().endsWith(".")), help.out());
        assertTrue(CliTest.run("submit", "--help").out().replaceAll("\\s+", " ").contains("time queued or waiting for the project lock is not counted"),
                "--timeout says what it counts");
        for (String code : List.of("0 succeeded", "8 Redis unreachable", "9 not ended yet (status)")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(code)), code + " on one line in:\n" + help.out());
        }
    }

    @Test
    void extraVarsTakeJsonValuesAndFilesAsAnsiblePlaybookDoes() throws Exception {
        Files.writeString(dir.resolve("vars.json"), "{\"from_file\":{\"x\":null},\"big\":123456789012345678901234567890}");
        CliTest.Run r = CliTest.run("submit", "--redis", redis.uri(), "--project", "shop", "--queue", "nobody", "--no-follow",
                "--playbook", "site.yml", "--extra-var-json", "hosts=[\"a\",\"b\"]", "--extra-var-json", "n=null",
                "--extra-var", "@" + dir.resolve("vars.json"), "--extra-var", "s=text with \"quotes\"");
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        String spec = redis.client().call(j -> j.hget(Keys.defaults().job(r.out().trim()), "spec"));
        assertTrue(spec.contains("\"extraVars\":{\"from_file\":{\"x\":null},\"big\":123456789012345678901234567890,"
                + "\"s\":\"text with \\\"quotes\\\"\",\"hosts\":[\"a\",\"b\"],\"n\":null}"), spec);

        CliTest.Run bad = CliTest.run("submit", "--redis", redis.uri(), "--project", "shop", "--playbook", "site.yml",
                "--extra-var-json", "hosts=[a");
        assertEquals(ExitCodes.USAGE, bad.exit());
        assertTrue(bad.err().contains("field '--extra-var-json': value 'hosts=[a' is not allowed; the value of hosts must be JSON"), bad.err());
    }
}
