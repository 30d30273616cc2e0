package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.log.LogFormat;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.protocol.JobField;
import io.deployster.protocol.LogField;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Wherever a secret could be read (log lines, events, reason, status, hash, worker journal), it reads ****. */
class SecretMaskingTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private final JobSigner keys = new JobSigner(KeyRing.parse(SecurityEndToEndTest.KEY, "test"), Clock.systemUTC(), Duration.ofHours(1));
    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final Handler journalHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            journal.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Deployment d;

    @BeforeEach
    void start() {
        Logger.getLogger("io.deployster").addHandler(journalHandler);
        d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys);
        d.worker(WorkerOptions.defaults(List.of("deploy")).withName("w1").withMaxLineBytes(40), keys);
    }

    @AfterEach
    void stop() throws Exception {
        d.close();
        Logger.getLogger("io.deployster").removeHandler(journalHandler);
    }

    private List<String> run(String id) throws InterruptedException {
        List<String> all = new ArrayList<>();
        d.client.follow(id, LogFollower.START, e -> all.add(e.isLine() ? e.text() : e.event() + " " + e.fields()));
        return all;
    }

    // everything but the spec, which holds the job's commands as the user wrote them
    private String everythingStored(String id) {
        return redis.client().call(j -> j.hgetAll(Keys.defaults().job(id)).entrySet().stream().filter(e -> !e.getKey().equals("spec")).toList().toString()
                + j.xrange(Keys.defaults().log(id), "-", "+").stream().map(e -> e.getFields().toString()).toList());
    }

    @Test
    void aSecretPrintedEscapedAsJsonIsMasked() throws Exception {
        Tools.require("python3", "apt-get install -y python3");
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of(
                "python3 -c \"import json,os; print(json.dumps({\\\"token\\\": os.environ[\\\"API_TOKEN\\\"]}))\"")).build(),
                new Secrets(Map.of("API_TOKEN", "tok\"en\\x9"), Map.of()));
        List<String> log = run(id);
        assertTrue(log.contains("{\"token\": \"****\"}"), String.join("\n", log));
        assertFalse(everythingStored(id).contains("en\\\\x9"), everythingStored(id));
    }

    @Test
    void aSecretWrittenToTheOutputsIsMaskedThere() throws Exception {
        String secret = "ZQXJ-output-5521";
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo \"token=$TOK\" >> \"$DEPLOYSTER_OUTPUT\"",
                        "echo \"$TOK=as-a-key\" >> \"$DEPLOYSTER_OUTPUT\"")).build(),
                new Secrets(Map.of("TOK", secret), Map.of()));
        assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
        assertEquals("{\"token\":\"****\",\"****\":\"as-a-key\"}", redis.client().call(j -> j.hget(Keys.defaults().job(id), JobField.OUTPUTS)));
        assertFalse(everythingStored(id).contains(secret), everythingStored(id));
    }

    @Test
    void theFailureReasonIsMaskedInEventStatusHashAndJournal() throws Exception {
        String secret = "ZQXJ-secret-7781";
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("test \"$TOK\" = " + secret + " && exit 9")).build(),
                new Secrets(Map.of("TOK", secret), Map.of()));
        List<String> log = run(id);
        JobState state = d.client.status(id);
        assertEquals(JobStatus.FAILED, state.status());
        assertEquals("command 1 of 1 exited with 9: test \"$TOK\" = **** && exit 9", state.reason());
        assertFalse(String.join("\n", log).contains(secret), String.join("\n", log));
        assertFalse(everythingStored(id).contains(secret));
        // the worker logs the end after recording it, so the client may see the end first
        Await.until("the worker's log names the failure", Duration.ofSeconds(10), () -> journal.stream().anyMatch(l -> l.contains("exited with 9")));
        assertFalse(journal.toString().contains(secret), journal.toString());
    }

    @Test
    void aCancelReasonQuotingASecretIsMaskedInTheLogAndTheEnd() throws Exception {
        String secret = "ghp_SuperSecretTokenValue123";
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("echo started; sleep 60")).build(),
                new Secrets(Map.of("TOK", secret), Map.of()));
        Await.until("the job to print its first line", Duration.ofSeconds(30), () -> redis.client().call(j ->
                j.xrange(Keys.defaults().log(id), "-", "+").stream().anyMatch(e -> "started".equals(e.getFields().get(LogField.LINE)))));
        d.client.cancel(id, "rotating " + secret + " now");
        List<String> log = new ArrayList<>();
        d.client.follow(id, LogFollower.START, e -> log.add(LogFormat.render(e)));
        assertTrue(log.contains("[deployster] stopping: rotating **** now"), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l != null && l.startsWith("[deployster] cancelled") && l.endsWith(": rotating **** now")),
                String.join("\n", log));
        assertEquals("rotating **** now", d.client.status(id).reason());
        Await.until("the worker's log names the cancel", Duration.ofSeconds(10), () -> journal.stream().anyMatch(l -> l.contains("rotating")));
        assertFalse(journal.toString().contains(secret), journal.toString());
        // the request itself is kept as its sender wrote it: the producer cannot know the job's secrets
        assertEquals("rotating " + secret + " now", redis.client().call(j -> j.hget(Keys.defaults().job(id), JobField.CANCEL_REQUESTED)));
        String stored = redis.client().call(j -> j.xrange(Keys.defaults().log(id), "-", "+").stream().map(e -> e.getFields().toString()).toList())
                .toString();
        assertFalse(stored.contains(secret), stored);
    }

    @Test
    void eachLineOfAPrivateKeyIsMasked() throws Exception {
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u\nQyNTUxOQAAACBkZXBsb3lzdGVyLXRlc3Qta2V5LW\n-----END OPENSSH PRIVATE KEY-----";
        Files.writeString(dir.resolve("id"), key + "\n");
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("cat id", "printf '%s\\n' \"$SSH_KEY\"")).build(),
                new Secrets(Map.of("SSH_KEY", key), Map.of()));
        List<String> lines = run(id).stream().filter(l -> !l.contains("{")).toList();
        for (String keyLine : key.split("\n")) {
            assertFalse(String.join("\n", lines).contains(keyLine.substring(0, 20)), String.join("\n", lines));
        }
        assertEquals(List.of("****", "****", "****", "****", "****", "****", "****", "****"), lines);
    }

    @Test
    void aSecretSplitByTheLineCutShowsNeitherPrefixNorSuffix() throws Exception {
        String secret = "ZQXJ-secret-7781-abcdef";
        String id = d.client.submit(JobSpec.commands("shop", dir.toString(),
                List.of("echo \"the value of the token is: $TOK and more text\"")).build(), new Secrets(Map.of("TOK", secret), Map.of()));
        List<String> lines = run(id).stream().filter(l -> l.startsWith("the value")).toList();
        assertEquals(List.of("the value of the token is: **** [deployster: line cut, 24 more bytes not shown]"), lines);
    }
}
