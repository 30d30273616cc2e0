package io.deployster.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.log.LogFollower;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;

/** Every reason a worker refuses a job, through a real worker; a marker file proves nothing ran. */
class SecurityEndToEndTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    static final String KEY = "prod:" + Base64.getEncoder().encodeToString("an example key of 32 bytes, ok!!".getBytes(StandardCharsets.UTF_8));
    static final String OTHER = "dev:" + Base64.getEncoder().encodeToString("another key, also 32 bytes long!".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private static JobSigner signer(String keys, Clock clock) {
        return new JobSigner(KeyRing.parse(keys, "test"), clock, Duration.ofHours(1));
    }

    private JobSpec marking(String project) {
        return JobSpec.commands(project, dir.toString(), List.of("touch " + dir.resolve("ran"))).build();
    }

    private void assertRejected(Deployment d, String id, String reasonStart) throws InterruptedException {
        // entries written straight into the queue have no job record until a worker takes them
        Await.until("job " + id + " recorded", Duration.ofSeconds(30), () -> d.client.status(id) != null);
        JobState state = d.client.await(id);
        assertEquals(JobStatus.REJECTED, state.status(), state.reason());
        assertTrue(state.reason().startsWith(reasonStart), state.reason());
        assertFalse(Files.exists(dir.resolve("ran")), "a rejected job must not run");
    }

    @Test
    void aSigningWorkerRunsOnlyJobsSignedWithItsKeys() throws Exception {
        JobSigner workerKeys = signer(KEY + "\n" + OTHER, Clock.systemUTC());
        try (Deployment signed = new Deployment(redis.uri(), QueueSettings.DEFAULT, workerKeys);
             Deployment unsigned = new Deployment(redis.uri());
             Deployment stranger = new Deployment(redis.uri(), QueueSettings.DEFAULT,
                     signer("prod:" + Base64.getEncoder().encodeToString("not the real key, just 32 bytes!".getBytes()), Clock.systemUTC()));
             Deployment old = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer(KEY, Clock.offset(Clock.systemUTC(), Duration.ofHours(-3))));
             Deployment unknown = new Deployment(redis.uri(), QueueSettings.DEFAULT,
                     signer("ci:" + Base64.getEncoder().encodeToString("a key the worker does not know!!".getBytes()), Clock.systemUTC()))) {
            signed.worker("w1", 1, workerKeys, null);

            assertRejected(signed, unsigned.client.submit(marking("a")), "unsigned");
            assertRejected(signed, stranger.client.submit(marking("a")), "bad signature");
            assertRejected(signed, unknown.client.submit(marking("a")), "signed with unknown key 'ci'");
            assertRejected(signed, old.client.submit(marking("a")), "expired: signed 3 h ago, more than the 1 h a job may wait");

            // tampered: a signed entry whose spec was changed in Redis before a worker took it
            String good = signed.client.submit(JobSpec.commands("a", dir.toString(), List.of("echo fine")).build());
            assertEquals(JobStatus.SUCCEEDED, signed.client.await(good).status());
            Map<String, String> hash = redis.client().call(j -> j.hgetAll(Keys.defaults().job(good)));
            String forged = hash.get("spec").replace("echo fine", "touch " + dir.resolve("ran"));
            Map<String, String> entry = new HashMap<>(Map.of("job", "forged-1", "spec", forged, "kid", hash.get("kid"),
                    "iat", hash.get("iat"), "sig", hash.get("sig")));
            redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY, entry));
            assertRejected(signed, "forged-1", "bad signature");

            // replayed: the same signed entry again after its job record was deleted
            redis.client().run(j -> j.del(Keys.defaults().job(good), Keys.defaults().log(good)));
            Map<String, String> replay = new HashMap<>(Map.of("job", good, "spec", hash.get("spec"), "kid", hash.get("kid"),
                    "iat", hash.get("iat"), "sig", hash.get("sig")));
            redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY, replay));
            assertRejected(signed, good, "replayed: job " + good + " has already been started once");

            String after = signed.client.submit(JobSpec.commands("a", dir.toString(), List.of("echo still serving")).build());
            assertEquals(JobStatus.SUCCEEDED, signed.client.await(after).status(), "the worker keeps serving");
        }
    }

    @Test
    void aSignedEntryCopiedToAnotherQueueIsRejected() throws Exception {
        JobSigner keys = signer(KEY, Clock.systemUTC());
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            // signed for queue 'elsewhere' (another host's worker); nobody serves it here
            String id = d.client.submit(JobSpec.commands("moved", dir.toString(), List.of("touch " + dir.resolve("ran")))
                    .queue("elsewhere").build());
            Map<String, String> hash = redis.client().call(j -> j.hgetAll(Keys.defaults().job(id)));
            Map<String, String> entry = new HashMap<>(Map.of("job", id, "spec", hash.get("spec"), "kid", hash.get("kid"),
                    "iat", hash.get("iat"), "sig", hash.get("sig")));
            redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY, entry));
            assertRejected(d, id, "queue entry ");
            assertTrue(d.client.status(id).reason().contains("on queue 'deploy' holds job " + id
                    + ", which was submitted to queue 'elsewhere'"), d.client.status(id).reason());
        }
    }

    @Test
    void aReplayIsRejectedEvenWhenRedisForgotTheJobStarted() throws Exception {
        JobSigner keys = signer(KEY, Clock.systemUTC());
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            String id = d.client.submit(JobSpec.commands("a", dir.toString(), List.of("echo run >> " + dir.resolve("runs"))).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            Map<String, String> hash = redis.client().call(j -> j.hgetAll(Keys.defaults().job(id)));
            // someone who can write to Redis deletes every trace of the start, then queues the signed entry again
            redis.client().run(j -> j.del(Keys.defaults().job(id), Keys.defaults().log(id), Keys.defaults().seen(id)));
            Map<String, String> replay = new HashMap<>(Map.of("job", id, "spec", hash.get("spec"), "kid", hash.get("kid"),
                    "iat", hash.get("iat"), "sig", hash.get("sig")));
            redis.client().run(j -> j.xadd(Keys.defaults().queue("deploy"), StreamEntryID.NEW_ENTRY, replay));
            assertRejected(d, id, "replayed: job " + id + " has already been started once");
            assertEquals(List.of("run"), Files.readAllLines(dir.resolve("runs")), "the job ran once");
        }
    }

    @Test
    void aJobOutsideThePolicyIsRejectedWithTheRuleItBroke() throws Exception {
        Path apps = Files.createDirectories(dir.resolve("apps"));
        WorkerPolicy policy = WorkerPolicy.of(Map.of("projects", "shop", "cd.shop", apps.toString(),
                "last-command.shop", "^supervisorctl (start|restart) \\S+$"));
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("w1", 1, null, policy);
            assertRejected(d, d.client.submit(marking("blog")), "outside this worker's policy (policy): project 'blog' is not served here");
            assertRejected(d, d.client.submit(marking("shop")), "outside this worker's policy (policy): the directory '" + dir + "'");
            assertRejected(d, d.client.submit(JobSpec.commands("shop", apps.toString(), List.of("touch " + dir.resolve("ran"))).build()),
                    "outside this worker's policy (policy): the last command 'touch");
        }
    }

    @Test
    void anExtraVarSettingAnsiblesInterpreterCannotRunCommandsOutsideThePolicy() throws Exception {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(deploy.resolve("inventory"), "localhost ansible_connection=local\n");
        Files.writeString(deploy.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - ping:
                """);
        WorkerPolicy policy = WorkerPolicy.of(Map.of("projects", "shop", "playbooks.shop", deploy.toString()));
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("w1", 1, null, policy);
            String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
            assertRejected(d, d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(deploy.toString()).inventory("inventory")
                    .extraVars(Map.of("ansible_python_interpreter", "touch " + dir.resolve("ran") + "; " + python)).build()),
                    "outside this worker's policy (policy): extra var 'ansible_python_interpreter' is not allowed");
            String fine = d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(deploy.toString()).inventory("inventory")
                    .extraVars(Map.of("release", "v1")).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(fine).status(), "a playbook with ordinary extra vars still runs");
        }
    }

    @Test
    void aVariableCannotMakeAnAllowedCommandRunAnotherOne() throws Exception {
        Tools.require("perl", "apt-get install -y perl");
        WorkerPolicy policy = WorkerPolicy.of(Map.of("projects", "shop", "cd.shop", dir.toString(), "commands.shop", "^perl -e 1$"));
        try (Deployment d = new Deployment(redis.uri())) {
            d.worker("w1", 1, null, policy);
            assertRejected(d, d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("perl -e 1"))
                    .env(Map.of("PERL5OPT", "-Mbase;system(\"touch\",\"" + dir.resolve("ran") + "\");")).build()),
                    "outside this worker's policy (policy): variable 'PERL5OPT' is not allowed: commands.shop limits the commands run here");
            String fine = d.client.submit(JobSpec.commands("shop", dir.toString(), List.of("perl -e 1")).build());
            assertEquals(JobStatus.SUCCEEDED, d.client.await(fine).status(), "the allowed command without variables still runs");
        }
    }

    @Test
    void secretsAreEncryptedInRedisAndMaskedInEveryLine() throws Exception {
        String secret = "s3cr3t-p4ss-" + System.nanoTime();
        String other = "t0ken-" + System.nanoTime();
        JobSigner keys = signer(KEY, Clock.systemUTC());
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            String id = d.client.submit(JobSpec.commands("shop", dir.toString(),
                    List.of("echo \"password is $DB_PASSWORD\"", "echo \"$API_TOKEN\" >&2", "grep DB_PASSWORD .env")).env(Map.of("MODE", "prod")).build(),
                    new Secrets(Map.of("DB_PASSWORD", secret, "API_TOKEN", other), Map.of()));
            List<String> lines = new ArrayList<>();
            JobState state = d.client.follow(id, LogFollower.START, e -> { if (e.isLine()) lines.add(e.text()); });

            assertEquals(JobStatus.SUCCEEDED, state.status(), state.reason());
            assertEquals(List.of("password is ****", "****", "DB_PASSWORD='****'"), lines);
            assertTrue(Files.readString(dir.resolve(".env")).contains("DB_PASSWORD='" + secret + "'"), "the app still gets the value");
            String dump = dumpEverything();
            assertFalse(dump.contains(secret) || dump.contains(other), "a secret is in Redis in clear");
            assertTrue(dump.contains("v1:prod:"), "sealed values are stored");
        }
    }

    @Test
    void secretExtraVarsReachAnsibleWithoutTheCommandLineOrTheLog() throws Exception {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        String secret = "vault-" + System.nanoTime();
        Files.writeString(dir.resolve("inventory"), "localhost ansible_connection=local ansible_python_interpreter=auto_silent\n");
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - copy: {dest: "{{ out }}/secret.txt", content: "{{ db_password }}"}
                    - debug: {msg: "the password is {{ db_password }}"}
                """);
        JobSigner keys = signer(KEY, Clock.systemUTC());
        try (Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, keys)) {
            d.worker("w1", 1, keys, null);
            String id = d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(dir.toString()).inventory("inventory")
                    .limit("localhost; touch " + dir.resolve("ran")).extraVars(Map.of("out", dir.toString())).build(),
                    new Secrets(Map.of(), Map.of("db_password", secret)));
            List<String> lines = new ArrayList<>();
            JobState state = d.client.follow(id, LogFollower.START, e -> lines.add(e.isLine() ? e.text() : e.event() + " " + e.fields()));

            assertEquals(JobStatus.FAILED, state.status(), "the limit with '; touch' is one odd host pattern, matching no host");
            assertFalse(Files.exists(dir.resolve("ran")), "no field but commands reaches a shell");
            String id2 = d.client.submit(JobSpec.ansible("shop", "site.yml").cwd(dir.toString()).inventory("inventory")
                    .extraVars(Map.of("out", dir.toString())).build(), new Secrets(Map.of(), Map.of("db_password", secret)));
            lines.clear();
            JobState ok = d.client.follow(id2, LogFollower.START, e -> lines.add(e.isLine() ? e.text() : e.event() + " " + e.fields()));
            assertEquals(JobStatus.SUCCEEDED, ok.status(), String.join("\n", lines));
            assertEquals(secret, Files.readString(dir.resolve("secret.txt")));
            assertTrue(lines.stream().anyMatch(l -> l.contains("the password is ****")), String.join("\n", lines));
            assertFalse(String.join("\n", lines).contains(secret));
            assertFalse(dumpEverything().contains(secret));
        }
    }

    private String dumpEverything() {
        return redis.client().call(j -> {
            StringBuilder all = new StringBuilder();
            for (String key : j.keys("*")) {
                switch (j.type(key)) {
                    case "hash" -> all.append(j.hgetAll(key));
                    case "stream" -> j.xrange(key, "-", "+").forEach(e -> all.append(e.getFields()));
                    case "string" -> all.append(j.get(key));
                    case "list" -> all.append(j.lrange(key, 0, -1));
                    case "set" -> all.append(j.smembers(key));
                    default -> all.append(key);
                }
            }
            return all.toString();
        });
    }

    static String json(Object o) {
        return JobCodec.toJson(o);
    }
}
