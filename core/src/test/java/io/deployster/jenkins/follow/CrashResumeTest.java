package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.Termination;
import io.deployster.jenkins.plan.DeployPlanner;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.jenkins.plan.StepParameters;
import io.deployster.redis.Keys;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, fault 5: a step saves its session with the program only once (at submit). After a crash
 * of the controller, a resumed step must still print every line exactly once: it goes on from the
 * console position its follower recorded in Redis, the later of that and the saved one.
 */
class CrashResumeTest {
    private static final String BUILD = "shop/main#7";

    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    /** A step as the plugin hosts it, saving the session once, when submitted, as Jenkins serializes it. */
    static final class SavingStep extends QueueDeployTest.Step {
        final AtomicReference<byte[]> saved = new AtomicReference<>();

        @Override
        public void submitted(DeploySession session) {
            saved.set(serialize(session));
        }

        @Override
        public String build() {
            return BUILD;
        }

        DeploySession lastSave() {
            return deserialize(saved.get());
        }
    }

    private DeployRequest request(String project, String command) {
        return DeployPlanner.plan(new StepParameters().project(project).cd(dir.toString()).commands(List.of(command)),
                new GlobalSettings(redis.uri(), "deploy", 30, 0, 7), "test build");
    }

    /** Prints line-1..line-20, waits for the file 'go', then prints line-21..line-40. */
    private static String pausedCommand() {
        return "for i in $(seq 1 20); do echo line-$i; done; while [ ! -f go ]; do sleep 0.05; done;"
                + " for i in $(seq 21 40); do echo line-$i; done";
    }

    @Test
    void aStepResumedAfterACrashPrintsEveryLineExactlyOnceAndFreesTheResourceItHeld() throws Exception {
        QueueDeployTest.NoResources jenkins = new QueueDeployTest.NoResources(); // survives the crash, as Jenkins' do
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            SavingStep before = new SavingStep();
            ControllerRedis first = new ControllerRedis();
            QueueDeploy deploy = new QueueDeploy(first.of(redis.uri()), first.work(), first.locks(), Masker.none(), jenkins, before);
            deploy.submit(request("shop", pausedCommand()), Secrets.none(), null);
            Await.until("line-20 on the console", Duration.ofSeconds(30), () -> before.indexOf("line-20") >= 0);
            String jobId = deploy.session().jobId();
            String positionKey = Keys.defaults().consolePosition(jobId, BUILD);
            String printed = deploy.session().lastEntryId();
            Await.until("the console position recorded in Redis", Duration.ofSeconds(30),
                    () -> printed.equals(redis.client().call(j -> j.get(positionKey))));
            assertTrue(jenkins.heldByThisBuild(LockMirror.resourceName("shop")), "the resource is held while the deploy runs");

            // the crash: the follower is dropped without a clean stop, and nothing is saved after the submit
            first.close();
            DeploySession saved = before.lastSave();
            assertEquals("0-0", saved.lastEntryId(), "the step saved its session once, before any line");
            Files.createFile(dir.resolve("go"));

            SavingStep after = new SavingStep();
            try (ControllerRedis second = new ControllerRedis()) {
                new QueueDeploy(second.of(redis.uri()), second.work(), second.locks(), Masker.none(), jenkins, after).resume(saved);
                assertEquals(Termination.Kind.SUCCESS, after.await().kind(), String.join("\n", after.console));
            }
            List<String> console = new ArrayList<>(before.console);
            console.addAll(after.console);
            Map<String, Integer> times = new TreeMap<>();
            for (String line : console) {
                if (line.matches("line-\\d+")) {
                    times.merge(line, 1, Integer::sum);
                }
            }
            for (int i = 1; i <= 40; i++) {
                assertEquals(1, times.getOrDefault("line-" + i, 0), "line-" + i + " in:\n" + String.join("\n", console));
            }
            assertEquals(40, times.size(), String.join("\n", console));
            assertTrue(after.indexOf("again after log entry " + printed) >= 0, String.join("\n", after.console));
            assertNull(jenkins.holder(LockMirror.resourceName("shop")), "the resource is freed when the resumed deploy ends");
        }
    }

    @Test
    void aRecordedPositionBehindTheSavedOneIsIgnored() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            SavingStep before = new SavingStep();
            ControllerRedis first = new ControllerRedis();
            QueueDeploy deploy = new QueueDeploy(first.of(redis.uri()), first.work(), first.locks(), Masker.none(),
                    new QueueDeployTest.NoResources(), before);
            deploy.submit(request("shop", pausedCommand()), Secrets.none(), null);
            Await.until("line-20 on the console", Duration.ofSeconds(30), () -> before.indexOf("line-20") >= 0);
            String jobId = deploy.session().jobId();
            String positionKey = Keys.defaults().consolePosition(jobId, BUILD);
            Await.until("the console position recorded in Redis", Duration.ofSeconds(30),
                    () -> deploy.session().lastEntryId().equals(redis.client().call(j -> j.get(positionKey))));
            first.close();
            // a clean shutdown saves the session as the console stands; a stale record in Redis must not win
            DeploySession saved = deserialize(serialize(deploy.session()));
            redis.client().run(j -> j.set(positionKey, "1-0"));
            Files.createFile(dir.resolve("go"));

            SavingStep after = new SavingStep();
            try (ControllerRedis second = new ControllerRedis()) {
                new QueueDeploy(second.of(redis.uri()), second.work(), second.locks(), Masker.none(),
                        new QueueDeployTest.NoResources(), after).resume(saved);
                assertEquals(Termination.Kind.SUCCESS, after.await().kind(), String.join("\n", after.console));
            }
            List<String> resumed = after.console.stream().filter(l -> l.matches("line-\\d+")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 21; i <= 40; i++) {
                expected.add("line-" + i);
            }
            assertEquals(expected, resumed, String.join("\n", after.console));
        }
    }

    private static byte[] serialize(DeploySession session) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(session);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static DeploySession deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (DeploySession) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
