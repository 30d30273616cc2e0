package io.deployster.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.JobStatus;
import io.deployster.queue.QueueSettings;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The queue-mode step's whole life against a real Redis and a real worker, without Jenkins. */
class SessionFollowerTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private static final String BUILD = SubmittedBy.describe("shop » main #41", "https://ci.example/job/shop/job/main/41/");

    /** A step of one build: plans, submits and follows like the plugin does. */
    private final class Step {
        final List<String> console = Collections.synchronizedList(new ArrayList<>());
        final LockMirrorTest.InMemoryResources resources;
        final AtomicInteger checkpoints = new AtomicInteger();
        final AtomicBoolean halted = new AtomicBoolean();
        final Deployment deployment;
        Masker masker = CredentialMasks.of("hunter22");
        DeploySession session;
        CompletableFuture<Termination> end;

        Step(Deployment deployment, LockMirrorTest.InMemoryResources resources) {
            this.deployment = deployment;
            this.resources = resources;
        }

        Step submit(StepParameters parameters, String submittedBy) {
            DeployRequest request = DeployPlanner.plan(parameters,
                    new GlobalSettings(redis.uri(), "deploy", 30, 0, 7), submittedBy);
            return submit(request, Secrets.none());
        }

        /** As the plugin does: submit with the secrets, mask them (and the Redis password) while following. */
        Step submit(DeployRequest request, Secrets secrets) {
            String id = deployment.client.submit(request.spec(), secrets);
            console.add(ConsoleRenderer.submitted(id, request.spec(), request.redisUri()));
            session = DeploySession.of(id, request);
            masker = masker.and(secrets.masker());
            return follow();
        }

        Step follow() {
            SessionFollower follower = new SessionFollower(session, deployment.client, console::add, resources,
                    checkpoints::incrementAndGet, masker, halted::get, 200);
            end = CompletableFuture.supplyAsync(() -> {
                try {
                    return follower.run();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            return this;
        }

        Termination await() throws Exception {
            return end.get(60, TimeUnit.SECONDS);
        }

        boolean printed(String text) {
            synchronized (console) {
                return console.stream().anyMatch(l -> l.contains(text));
            }
        }

        List<String> output() {
            synchronized (console) {
                return console.stream().filter(l -> !l.startsWith(ConsoleRenderer.PREFIX)).toList();
            }
        }
    }

    private StepParameters commands(String... commands) {
        return new StepParameters().project("shop").cd(dir.toString()).commands(List.of(commands));
    }

    @Test
    void printsTheWorkersOutputLiveAndReturnsTheResult() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"))
                    .submit(commands("echo hello", "printf '\\033[32mgreen\\033[0m\\n'", "echo pw=hunter22"), BUILD);
            Termination end = step.await();

            assertEquals(Termination.Kind.SUCCESS, end.kind(), String.join("\n", step.console));
            assertEquals(step.session.jobId(), end.result().get("jobId"));
            assertEquals("succeeded", end.result().get("status"));
            assertEquals(0, end.result().get("exitCode"));
            assertEquals("w1", end.result().get("worker"));
            assertTrue(((Long) end.result().get("durationMillis")) >= 0);
            assertEquals(List.of("hello", "\u001b[32mgreen\u001b[0m", "pw=****"), step.output(), "ANSI kept, secret masked");
            assertTrue(step.console.get(0).startsWith("[deployster] submitted job " + step.session.jobId() + ": project shop"));
            assertTrue(step.printed("[deployster] started on worker w1"));
            assertTrue(step.printed("[deployster] $ echo hello"));
            assertTrue(step.printed("lockable resource deployster:shop is held by this build"));
            assertTrue(step.console.get(step.console.size() - 1).startsWith("[deployster] job " + step.session.jobId() + " succeeded on worker w1 in "));
            assertNull(step.resources.holder("deployster:shop"), "the mirror frees the resource when the job ends");
            assertTrue(step.checkpoints.get() >= 2, "saved at least at start and at the end");
        }
    }

    @Test
    void quietModeKeepsTheOutputAndTheEndOnly() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"))
                    .submit(commands("echo one", "echo two").quiet(true), BUILD);
            assertEquals(Termination.Kind.SUCCESS, step.await().kind());
            List<String> lines = new ArrayList<>(step.console);
            lines.remove(0);    // the submit line is the plugin's, printed before following
            assertEquals(List.of("one", "two"), lines.subList(0, 2), lines.toString());
            assertTrue(lines.get(2).startsWith("[deployster] succeeded"), lines.toString());
            assertTrue(lines.get(3).startsWith("[deployster] job "), lines.toString());
            assertEquals(4, lines.size(), lines.toString());
        }
    }

    @Test
    void aFailureNamesTheFailingCommand() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"))
                    .submit(commands("true", "echo broken >&2; exit 3", "echo never"), BUILD);
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertEquals("deployster job " + step.session.jobId() + " (project shop) failed on worker w1: "
                    + "command 2 of 3 exited with 3: echo broken >&2; exit 3", end.message());
            assertTrue(step.output().contains("broken"));
            assertFalse(step.output().contains("never"));
        }
    }

    @Test
    void aWaitingDeploySaysWhichJobAndBuildItWaitsBehind() throws Exception {
        Path release = dir.resolve("release");
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 2);
            LockMirrorTest.InMemoryResources jenkins = new LockMirrorTest.InMemoryResources("shop #41");
            Step first = new Step(deployment, jenkins)
                    .submit(commands("while [ ! -e " + release + " ]; do sleep 0.02; done"), BUILD);
            Await.until("first job running", Duration.ofSeconds(20), () -> first.printed("started on worker"));
            assertEquals("shop #41", jenkins.holder("deployster:shop"));

            Step second = new Step(deployment, jenkins.sharing("shop #42")).submit(commands("echo second"),
                    SubmittedBy.describe("shop » main #42", null));
            Await.until("second job waiting", Duration.ofSeconds(20), () -> second.printed("waiting for the project lock"));
            assertTrue(second.printed("[deployster] waiting for the project lock, behind job " + first.session.jobId()
                    + " (Jenkins build shop » main #41 https://ci.example/job/shop/job/main/41/)"), String.join("\n", second.console));
            assertTrue(second.session.status().contains("waiting for the project lock behind job " + first.session.jobId()));

            Files.createFile(release);
            assertEquals(Termination.Kind.SUCCESS, first.await().kind());
            assertEquals(Termination.Kind.SUCCESS, second.await().kind());
            assertTrue(second.output().contains("second"));
        }
    }

    @Test
    void afterARestartFollowingContinuesWithNoGapAndNoDuplicate() throws Exception {
        Path release = dir.resolve("release");
        String script = "for i in $(seq 1 20); do echo line $i; done; "
                + "while [ ! -e " + release + " ]; do sleep 0.02; done; "
                + "for i in $(seq 21 40); do echo line $i; done";
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            LockMirrorTest.InMemoryResources jenkins = new LockMirrorTest.InMemoryResources("shop #41");
            Step before = new Step(deployment, jenkins).submit(commands(script), BUILD);
            Await.until("line 20 printed", Duration.ofSeconds(20), () -> before.printed("line 20"));

            // Jenkins shuts down: the step stops printing, its session is saved with the step
            before.halted.set(true);
            Files.createFile(release);
            assertEquals(Termination.Kind.HALTED, before.await().kind());
            assertEquals("shop #41", jenkins.holder("deployster:shop"), "a restart keeps the resource held");
            DeploySession saved = roundTrip(before.session);

            Step after = new Step(deployment, jenkins);
            after.session = saved;
            after.console.add(ConsoleRenderer.resumed(saved.jobId(), saved.lastEntryId()));
            Termination end = after.follow().await();
            assertEquals(Termination.Kind.SUCCESS, end.kind());

            List<String> all = new ArrayList<>(before.output());
            all.addAll(after.output());
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                expected.add("line " + i);
            }
            assertEquals(expected, all);
            assertNull(jenkins.holder("deployster:shop"));
        }
    }

    @Test
    void aStepResumedAfterItsJobEndedFinishesAtOnce() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41")).submit(commands("echo once"), BUILD);
            assertEquals(Termination.Kind.SUCCESS, step.await().kind());
            Step resumed = new Step(deployment, step.resources);
            resumed.session = roundTrip(step.session);
            assertEquals(Termination.Kind.SUCCESS, resumed.follow().await().kind());
            assertTrue(resumed.output().isEmpty(), resumed.console.toString());
        }
    }

    @Test
    void abortingTheBuildCancelsTheRunningJob() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"))
                    .submit(commands("echo working; sleep 60"), BUILD);
            Await.until("job running", Duration.ofSeconds(20), () -> step.printed("working"));

            List<String> lines = Cancellation.request(deployment.client, step.session, Cancellation.reason("shop » main #41"));
            step.console.addAll(lines);
            assertTrue(lines.get(0).contains("asked the worker to stop job " + step.session.jobId()), lines.toString());
            Termination end = step.await();
            assertEquals(Termination.Kind.ABORTED, end.kind(), String.join("\n", step.console));
            assertEquals(JobStatus.CANCELLED, deployment.client.status(step.session.jobId()).status());
            assertEquals("the Jenkins build shop » main #41 was aborted", deployment.client.status(step.session.jobId()).reason());
            assertNull(step.resources.holder("deployster:shop"));
        }
    }

    @Test
    void abortingAWaitingDeployCancelsItAtOnce() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            // no worker serves the queue: the job stays queued
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41")).submit(commands("echo never"), BUILD);
            List<String> lines = Cancellation.request(deployment.client, step.session, Cancellation.reason(null));
            assertTrue(lines.get(0).contains("cancelled before it started"), lines.toString());
            assertEquals(Termination.Kind.ABORTED, step.await().kind());
        }
    }

    @Test
    void aJobThatIsNotInRedisFailsTheStepWithAnExplanation() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"));
            step.session = new DeploySession("20260101-000000-gone2222", "shop", redis.uri(),
                    GlobalSettings.DEFAULT.queueSettings(), false);
            Termination end = step.follow().await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertTrue(end.message().contains("no job '20260101-000000-gone2222' in Redis"), end.message());
        }
    }

    private static final String KEY_TEXT = "jenkins-1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aSignedJobWithSecretEnvRunsOnASigningWorkerAndTheValuesAreMasked() throws Exception {
        JobSigner signer = JobSigning.signer("deployster-signing", KEY_TEXT);
        try (Deployment deployment = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer)) {
            deployment.worker("w1", 1, signer, null);
            GlobalSettings global = new GlobalSettings(redis.uri(), "deploy", 30, 0, 7, "deployster-signing");
            DeployRequest request = DeployPlanner.plan(commands("echo \"db=$DB_PASSWORD\"", "echo \"token=$API_TOKEN\"")
                    .secretEnv(Map.of("DB_PASSWORD", "db-password", "API_TOKEN", "api-token")), global, BUILD);
            assertEquals("deployster-signing", request.signingKeyCredentialsId());
            Map<String, String> credentials = Map.of("db-password", "s3cr3t-db-value", "api-token", "t0ken-value");
            Secrets secrets = SecretCredentials.resolve(request, credentials::get);

            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41")).submit(request, secrets);
            Termination end = step.await();
            assertEquals(Termination.Kind.SUCCESS, end.kind(), String.join("\n", step.console));
            assertEquals(List.of("db=****", "token=****"), step.output());
            assertFalse(String.join("\n", step.console).contains("s3cr3t-db-value"));

            // after a restart the values are not in the saved session; their credentials are looked up again
            DeploySession saved = roundTrip(step.session);
            assertEquals(java.util.Set.of("db-password", "api-token"), java.util.Set.copyOf(saved.secretCredentialIds()));
            assertEquals("x **** y ****", SecretCredentials.masker(saved.secretCredentialIds(), credentials::get)
                    .mask("x s3cr3t-db-value y t0ken-value"));
        }
    }

    @Test
    void anUnsignedJobIsRejectedByAWorkerWithKeysAndTheStepSaysWhy() throws Exception {
        JobSigner signer = JobSigning.signer("deployster-signing", KEY_TEXT);
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1, signer, null);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41")).submit(commands("echo never"), BUILD);
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertTrue(end.message().contains("unsigned"), end.message());
            assertFalse(step.output().contains("never"));
        }
    }

    @Test
    void aPromptShowsBeforeItsLineEndsAndAProgressBarEndsInItsFinalState() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Path go = dir.resolve("go");
            DeployRequest request = DeployPlanner.plan(commands(
                    "printf 'Continue? '; while [ ! -e " + go + " ]; do sleep 0.05; done; echo yes",
                    "i=0; while [ $i -lt 300 ]; do i=$((i+1)); printf '\\rdownloading %d/300' $i; done; echo"),
                    new GlobalSettings(redis.uri(), "deploy", 30, 0, 7), BUILD);
            String id = deployment.client.submit(request.spec());
            StringBuffer transcript = new StringBuffer();
            SessionFollower.Console console = new SessionFollower.Console() {
                @Override
                public void println(String line) {
                    transcript.append(line).append('\n');
                }

                @Override
                public void print(String text) {
                    transcript.append(text);
                }
            };
            SessionFollower follower = new SessionFollower(DeploySession.of(id, request), deployment.client, console,
                    new LockMirrorTest.InMemoryResources("shop #41"), () -> { }, Masker.none(), () -> false, 200);
            CompletableFuture<Termination> end = CompletableFuture.supplyAsync(() -> {
                try {
                    return follower.run();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("the prompt in the console before its line ends", Duration.ofSeconds(30),
                    () -> transcript.toString().endsWith("Continue? "));
            Files.writeString(go, "");
            assertEquals(Termination.Kind.SUCCESS, end.get(60, TimeUnit.SECONDS).kind(), transcript.toString());
            assertTrue(transcript.toString().contains("\nContinue? yes\n"), transcript.toString());
            assertTrue(transcript.toString().contains("downloading 300/300\n"), transcript.toString());
        }
    }

    @Test
    void aSecretInTheFailureReasonIsMaskedInTheStepsMessage() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step(deployment, new LockMirrorTest.InMemoryResources("shop #41"))
                    .submit(commands("echo hunter22 >/dev/null; exit 9"), BUILD);
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertTrue(end.message().contains("echo **** >/dev/null; exit 9"), end.message());
            assertFalse(String.join("\n", step.console).contains("hunter22"), String.join("\n", step.console));
        }
    }

    private static DeploySession roundTrip(DeploySession session) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(session);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (DeploySession) in.readObject();
        }
    }
}
