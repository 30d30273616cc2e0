package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.callback.CallbackSignature;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.testing.Await;
import io.deployster.testing.DeploymentPerTest;
import io.deployster.testing.RealRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The deployster command as a CI script runs it: arguments in, output and exit code out. */
class CliTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @RegisterExtension
    final DeploymentPerTest deployment = new DeploymentPerTest(redis, "cli-worker", 2);

    record Run(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private String[] submit(String... extra) {
        List<String> args = new ArrayList<>(List.of("submit", "--redis", redis.uri(), "--project", "shop", "--cd", dir.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void aSubmitNoReplicaConfirmsExitsEightNamingTheJobAndWrongRedisSettingsExitTwo() {
        // this Redis has no replica: the job is queued on it, but not confirmed
        Run unconfirmed = run(submit("--min-replicas-acked", "1", "--replica-ack-timeout", "50ms", "--no-follow", "--command", "true"));
        assertEquals(ExitCodes.REDIS_UNREACHABLE, unconfirmed.exit(), unconfirmed.err());
        assertTrue(unconfirmed.err().contains("only 0 of 1 required replica(s) confirmed it within 50 ms"), unconfirmed.err());
        assertTrue(unconfirmed.err().matches("(?s).*see its state with 'deployster status \\S+' before submitting it again.*"), unconfirmed.err());

        Run badUri = run("status", "--redis", "redis-sentinel://s1:26379,s2:99999/mymaster", "20260101-000000-abcdefgh");
        assertEquals(ExitCodes.USAGE, badUri.exit());
        assertTrue(badUri.err().contains("sentinel port '99999'") && badUri.err().contains("1 to 65535"), badUri.err());
        Run badOption = run(submit("--min-replicas-acked", "lots", "--command", "true"));
        assertEquals(ExitCodes.USAGE, badOption.exit());
        assertTrue(badOption.err().contains("min-replicas-acked 'lots'") && badOption.err().contains("0 to 16"), badOption.err());
    }

    @Test
    void submitPrintsTheIdThenTheLiveLogAndExitsZeroOnSuccess() {
        Run r = run(submit("--command", "echo hello", "--command", "echo $GREETING", "--env", "GREETING=hi there"));
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        String id = r.outLines().get(0);
        assertTrue(id.matches("\\d{8}-\\d{6}-[a-z0-9]{8}"), id);
        assertEquals(List.of(id, "hello", "hi there"), r.outLines());
        assertTrue(r.err().contains("[deployster] $ echo hello"), r.err());
        assertTrue(r.err().contains("job " + id + ": succeeded, exit code 0, worker cli-worker"), r.err());
    }

    @Test
    void exitCodeSaysHowTheJobEnded() {
        Run failed = run(submit("--command", "exit 3"));
        assertEquals(ExitCodes.FAILED, failed.exit());
        assertTrue(failed.err().contains("reason: command 1 of 1 exited with 3: exit 3"), failed.err());

        Run timedOut = run(submit("--timeout", "1", "--command", "sleep 60"));
        assertEquals(ExitCodes.TIMED_OUT, timedOut.exit(), timedOut.err());
        assertTrue(timedOut.err().contains("timed out after 1 s"), timedOut.err());
    }

    @Test
    void cancelStopsARunningJobAndItsSubmitterExitsWithCancelled() throws Exception {
        CompletableFuture<Run> submitter = CompletableFuture.supplyAsync(() -> run(submit("--command", "echo started; sleep 60")));
        Await.until("a job running", Duration.ofSeconds(30), () -> runningJob() != null);
        String id = runningJob();

        Run cancel = run("cancel", "--redis", redis.uri(), "--wait", id);
        assertEquals(ExitCodes.SUCCEEDED, cancel.exit(), cancel.err());
        assertTrue(cancel.out().contains("is running; its worker is stopping it"), cancel.out());
        Run submitted = submitter.get();
        assertEquals(ExitCodes.CANCELLED, submitted.exit(), submitted.err());
        assertTrue(submitted.err().contains("cancelled from the command line"), submitted.err());

        Run again = run("cancel", "--redis", redis.uri(), id);
        assertEquals(ExitCodes.SUCCEEDED, again.exit());
        assertTrue(again.out().contains("had already ended (cancelled); nothing to cancel"), again.out());
        assertEquals(ExitCodes.CANCELLED, run("status", "--redis", redis.uri(), id).exit());
    }

    @Test
    void statusOfAJobHandedTheLockSaysItWaitsForAWorkerNotBehindTheEndedJob() throws Exception {
        String first = run(submit("--command", "sleep 60", "--no-follow")).out().trim();
        Await.until("first running", Duration.ofSeconds(30), () -> deployment.client().status(first).status() == JobStatus.RUNNING);
        String second = run(submit("--command", "true", "--no-follow")).out().trim();
        Await.until("second waiting", Duration.ofSeconds(30), () -> deployment.client().status(second).status() == JobStatus.WAITING);
        assertTrue(run("status", "--redis", redis.uri(), second).out().contains("waiting behind job: " + first));
        // both slots busy: when the first job ends, its slot goes to the older entry of another project, and
        // the second job, handed the lock, waits on the queue for a free slot
        String other = run("submit", "--redis", redis.uri(), "--project", "other", "--cd", dir.toString(), "--command", "sleep 60",
                "--no-follow").out().trim();
        Await.until("other running", Duration.ofSeconds(30), () -> deployment.client().status(other).status() == JobStatus.RUNNING);
        String third = run("submit", "--redis", redis.uri(), "--project", "third", "--cd", dir.toString(), "--command", "sleep 60",
                "--no-follow").out().trim();

        assertEquals(ExitCodes.SUCCEEDED, run("cancel", "--redis", redis.uri(), "--wait", first).exit());
        Await.until("third running", Duration.ofSeconds(30), () -> deployment.client().status(third).status() == JobStatus.RUNNING);
        assertEquals(second, deployment.client().lockHolder("shop"));
        Run status = run("status", "--redis", redis.uri(), second);
        assertEquals(ExitCodes.NOT_ENDED, status.exit(), status.err());
        assertFalse(status.out().contains("waiting behind job"), status.out());
        assertTrue(status.out().contains("lock: handed to it when job " + first + " ended; it waits on queue deploy for a worker to start it"),
                status.out());
        assertTrue(status.out().contains("'s lock it holds, to run under)"), status.out());
        assertFalse(status.out().contains("no live worker serves it"), status.out());

        // a job on a queue no worker serves says so, as a workflow's task does
        String stranded = run("submit", "--redis", redis.uri(), "--project", "stranded", "--queue", "nobody-serves-this", "--cd",
                dir.toString(), "--command", "true", "--no-follow").out().trim();
        Run queued = run("status", "--redis", redis.uri(), stranded);
        assertTrue(queued.out().contains("waiting for a worker of queue nobody-serves-this: no live worker serves it (start one with "
                + "'deployster worker --queues nobody-serves-this'"), queued.out());
        for (String id : List.of(other, third, stranded)) {
            run("cancel", "--redis", redis.uri(), id);
        }
    }

    private String runningJob() {
        return redis.client().call(j -> j.keys(Keys.defaults().jobPattern())).stream()
                .map(Keys::tagOf)
                .filter(id -> deployment.client().status(id).status() == JobStatus.RUNNING)
                .findFirst().orElse(null);
    }

    @Test
    void statusAndLogsReadAFinishedJob() {
        Run submitted = run(submit("--command", "seq 1 3", "--command", "echo version=1.4.2 >> \"$DEPLOYSTER_OUTPUT\"", "--no-follow"));
        assertEquals(ExitCodes.SUCCEEDED, submitted.exit());
        String id = submitted.out().trim();

        Run logs = run("logs", "--redis", redis.uri(), "--follow", id);
        assertEquals(ExitCodes.SUCCEEDED, logs.exit(), logs.err());
        assertEquals(List.of("1", "2", "3"), logs.outLines());

        Run status = run("status", "--redis", redis.uri(), id);
        assertEquals(ExitCodes.SUCCEEDED, status.exit());
        assertTrue(status.out().contains("project: shop, queue: deploy"), status.out());
        assertTrue(status.out().contains("  outputs: version=1.4.2"), status.out());

        Run ids = run("logs", "--redis", redis.uri(), "--show-ids", "-q", id);
        String second = ids.outLines().stream().filter(l -> l.endsWith(" 2")).findFirst().orElseThrow();
        Run resumed = run("logs", "--redis", redis.uri(), "--after", second.split(" ")[0], id);
        assertEquals(List.of("3"), resumed.outLines());
    }

    @Test
    void badInputIsRefusedWithTheFieldTheValueAndWhatIsAllowed() {
        Run invalid = run("submit", "--redis", redis.uri(), "--project", "my shop", "--cd", "srv", "--command", "true");
        assertEquals(ExitCodes.USAGE, invalid.exit());
        assertTrue(invalid.err().contains("field 'project': value 'my shop' is not allowed"), invalid.err());
        assertTrue(invalid.err().contains("field 'cd': value 'srv' is not allowed; use an absolute path"), invalid.err());

        Run noRedis = run("status", "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.USAGE, noRedis.exit());
        assertTrue(noRedis.err().contains("Redis URI is missing"), noRedis.err());

        Run unknown = run("status", "--redis", redis.uri(), "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.NO_SUCH_JOB, unknown.exit());
        assertTrue(unknown.err().contains("no job '20261122-000000-abcdefgh'"), unknown.err());

        Run notANumber = run("history", "--redis", redis.uri(), "shop", "--limit", "ten");
        assertEquals(ExitCodes.USAGE, notANumber.exit());
        assertTrue(notANumber.err().contains("option '--limit': 'ten' is not a whole number"), notANumber.err());
        Run tooLarge = run("submit", "--redis", redis.uri(), "--project", "shop", "--cd", "/tmp", "--command", "true",
                "--timeout", "99999999999999999999");
        assertEquals(ExitCodes.USAGE, tooLarge.exit());
        assertTrue(tooLarge.err().contains("option '--timeout': '99999999999999999999' is out of range: this option takes a whole number"),
                tooLarge.err());

        Run notAUri = run("status", "--redis", "notaurl", "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.USAGE, notAUri.exit());
        assertTrue(notAUri.err().contains("Redis URI 'notaurl' has no scheme; use redis://"), notAUri.err());
        Run noPolicy = run("worker", "--redis", redis.uri(), "--policy", dir.resolve("no-such-policy").toString());
        assertEquals(ExitCodes.USAGE, noPolicy.exit());
        assertTrue(noPolicy.err().contains("no such file: " + dir.resolve("no-such-policy")), noPolicy.err());

        Run longReason = run("cancel", "--redis", redis.uri(), "--reason", "x".repeat(5000), "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.USAGE, longReason.exit());
        assertTrue(longReason.err().contains("cancel reason: 5000 characters is too long; use at most 1000"), longReason.err());
        Run escapeInReason = run("cancel", "--redis", redis.uri(), "--reason", "done\n\u001b[2J", "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.USAGE, escapeInReason.exit());
        assertTrue(escapeInReason.err().contains("cancel reason: use one line of text without control characters (found U+000A at character 5)"),
                escapeInReason.err());

        Run noLines = run("worker", "--redis", redis.uri(), "--max-line-bytes", "0");
        assertEquals(ExitCodes.USAGE, noLines.exit());
        assertTrue(noLines.err().contains("max-line-bytes 0 is not allowed; use 32 to 16777216 bytes"), noLines.err());

        Run noRetention = run("worker", "--redis", redis.uri(), "--retention", "0");
        assertEquals(ExitCodes.USAGE, noRetention.exit());
        assertTrue(noRetention.err().contains("--retention 0 ms is not allowed; use at least 1s"), noRetention.err());

        Run unreachable = run("status", "--redis", "redis://127.0.0.1:1", "20261122-000000-abcdefgh");
        assertEquals(ExitCodes.REDIS_UNREACHABLE, unreachable.exit());
        assertTrue(unreachable.err().contains("cannot reach Redis"), unreachable.err());
    }

    @Test
    void callbackKeysAreDerivedOneWayFromTheSigningKeysAndCheckACallbacksSignature() throws Exception {
        Path keysFile = dir.resolve("keys");
        Files.writeString(keysFile, "new:" + Base64.getEncoder().encodeToString(new byte[32]) + "\nold:"
                + Base64.getEncoder().encodeToString("an older signing key of 32 bytes".getBytes(StandardCharsets.US_ASCII)) + "\n");
        Run printed = run("callback-keys", "--keys-file", keysFile.toString());
        assertEquals(0, printed.exit(), printed.err());
        KeyRing signing = KeyRing.load(keysFile, Map.of());
        KeyRing receiver = KeyRing.parse(printed.out(), "callback-keys' output");
        assertEquals(List.of("new", "old"), receiver.all().stream().map(SigningKey::id).toList());
        for (SigningKey key : signing.all()) {
            assertFalse(Arrays.equals(key.secret(), receiver.find(key.id()).secret()), "a receiver never gets the signing key " + key.id());
        }
        byte[] body = "{\"kind\":\"job\"}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        CallbackSignature.verify(receiver, CallbackSignature.sign(signing.signingKey(), now, body), body, now, CallbackSignature.TOLERANCE);

        Files.writeString(dir.resolve("empty"), "# no keys yet\n");
        Run none = run("callback-keys", "--keys-file", dir.resolve("empty").toString());
        assertEquals(ExitCodes.USAGE, none.exit());
        assertTrue(none.err().contains("no signing key"), none.err());
    }

    @Test
    void ansibleOptionsOnACommandsJobAreRefusedAndNothingRuns() throws Exception {
        Path marker = dir.resolve("ran");
        Run r = run(submit("-q", "--command", "touch " + marker, "--check", "--diff", "--verbosity", "7"));
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("--cd, --command (of a commands job) cannot be combined with --check, --diff, --verbosity "
                + "(of an Ansible job): a job runs commands or a playbook"), r.err());
        assertFalse(Files.exists(marker), "the job was not queued");
        // a secret for a playbook is a secret extra var; --secret-env beside --playbook said cd and commands were missing
        Run secretForPlaybook = run("submit", "--redis", redis.uri(), "--project", "shop", "--playbook", "site.yml", "--secret-env", "A=abcdef");
        assertEquals(ExitCodes.USAGE, secretForPlaybook.exit());
        assertTrue(secretForPlaybook.err().contains("--secret-env (of a commands job) cannot be combined with --playbook (of an Ansible job): "
                + "a job runs commands or a playbook; a playbook takes a secret as --secret-extra-var"), secretForPlaybook.err());
        assertFalse(secretForPlaybook.err().contains("abcdef"), "the secret's value is not shown: " + secretForPlaybook.err());
    }

    @Test
    void specFileAndFlagsCombine() throws Exception {
        Path spec = dir.resolve("job.json");
        Files.writeString(spec, "{\"mode\":\"commands\",\"project\":\"shop\",\"commands\":[\"echo from file\"]}");
        Run r = run("submit", "--redis", redis.uri(), "--spec", spec.toString(), "--cd", dir.toString(), "-q");
        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        assertEquals("from file", r.outLines().get(1));
    }

    @Test
    void aSpecFileWithASecretInClearIsRefusedBeforeAnythingIsQueued() throws Exception {
        String value = "CliPlain-Secret-8812";
        Path spec = dir.resolve("job.json");
        Files.writeString(spec, "{\"mode\":\"commands\",\"project\":\"shop\",\"commands\":[\"echo $CLISECRET\"],"
                + "\"secretEnv\":{\"CLISECRET\":\"" + value + "\"}}");
        Run r = run("submit", "--redis", redis.uri(), "--spec", spec.toString(), "--cd", dir.toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("field 'secretEnv.CLISECRET'") && r.err().contains("deployster submit --secret-env CLISECRET"), r.err());
        assertFalse((r.out() + r.err()).contains(value), r.out() + r.err());
        assertEquals(Set.of(), redis.client().call(j -> j.keys(Keys.defaults().jobPattern())), "jobs in Redis");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("submit", "status", "logs", "cancel", "worker", "demo")) {
            Run help = run(command, "--help");
            assertEquals(0, help.exit());
            assertTrue(help.out().startsWith("Usage: deployster " + command), help.out());
        }
    }
}
