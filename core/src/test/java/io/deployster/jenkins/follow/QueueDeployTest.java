package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.Termination;
import io.deployster.jenkins.plan.DeployPlanner;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.jenkins.plan.StepParameters;
import io.deployster.secret.CredentialMasks;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.testing.Await;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Queue-mode steps as the controller runs them: shared clients, one log reader, work off the caller's thread. */
class QueueDeployTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    private final ControllerRedis controller = new ControllerRedis();

    @AfterEach
    void closeClients() {
        controller.close();
    }

    /** A step's host as the plugin's StepExecution is one: a console and an end. */
    static class Step implements QueueDeploy.Host {
        final List<String> console = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Termination> end = new CompletableFuture<>();

        @Override
        public void println(String line) {
            console.add(line);
        }

        @Override
        public void end(Termination t) {
            end.complete(t);
        }

        @Override
        public boolean halted() {
            return false;
        }

        Termination await() throws Exception {
            return end.get(60, TimeUnit.SECONDS);
        }

        int indexOf(String text) {
            synchronized (console) {
                for (int i = 0; i < console.size(); i++) {
                    if (console.get(i).contains(text)) {
                        return i;
                    }
                }
            }
            return -1;
        }
    }

    /** Nobody else holds anything; enough for tests that are not about the lock mirror. */
    static final class NoResources implements JenkinsResources {
        private final Map<String, String> held = new HashMap<>();

        @Override
        public synchronized boolean heldByThisBuild(String name) {
            return held.containsKey(name);
        }

        @Override
        public synchronized boolean tryLock(String name) {
            return held.putIfAbsent(name, "b") == null;
        }

        @Override
        public synchronized void unlock(String name) {
            held.remove(name);
        }

        @Override
        public synchronized String holder(String name) {
            return held.get(name);
        }
    }

    private DeployRequest request(String redisUri, String project, String... commands) {
        return DeployPlanner.plan(new StepParameters().project(project).cd(dir.toString()).commands(List.of(commands)),
                new GlobalSettings(redisUri, "deploy", 30, 0, 7), "test build");
    }

    private QueueDeploy deploy(String redisUri, Masker masker, Step host) {
        return new QueueDeploy(controller.of(redisUri), controller.work(), controller.locks(), masker, new NoResources(), host);
    }

    @Test
    void manyDeploysAreFollowedByOneReaderOverTheSharedPool() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 8);
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Step step = new Step();
                deploy(redis.uri(), Masker.none(), step)
                        .submit(request(redis.uri(), "p" + i, "for n in 1 2 3; do echo line-$n-of-p" + i + "; sleep 0.2; done"),
                                Secrets.none(), null);
                steps.add(step);
            }
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                assertEquals(Termination.Kind.SUCCESS, step.await().kind(), String.join("\n", step.console));
                for (int n = 1; n <= 3; n++) {
                    assertTrue(step.indexOf("line-" + n + "-of-p" + i) >= 0, step.console.toString());
                }
            }
            long threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(ControllerRedis.THREAD_PREFIX)).count();
            assertTrue(threads <= ControllerRedis.WORK_THREADS + 1, threads + " controller threads for 8 deploys");
            String clients = redis.client().call(j -> j.clientList());
            long connections = clients.lines().filter(l -> l.contains("name=" + SharedRedis.CLIENT_NAME + " ")).count();
            assertTrue(connections <= SharedRedis.MAX_CONNECTIONS, connections + " connections:\n" + clients);
        }
    }

    /** Issue 12, fault 2: a Redis that accepts and never answers must not hold the pipeline's thread. */
    @Test
    void aHungRedisNeverHoldsTheCallerAndTheStepFailsOnItsOwnDeadline() throws Exception {
        try (ServerSocket hung = new ServerSocket(0)) {
            List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(hung.accept());
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String uri = "redis://127.0.0.1:" + hung.getLocalPort();
            Step step = new Step();
            deploy(uri, Masker.none(), step).submit(request(uri, "shop", "true"), Secrets.none(), null);
            // submit() returned although the server has not answered a single byte
            assertFalse(step.end.isDone(), "the submit waits for Redis off the caller's thread");
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertTrue(end.message().contains("the job was not submitted"), end.message());
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Issue 12, fault 4: the step's final failure message passes the masker like every console line. */
    @Test
    void theFailureMessageMasksSecretsLikeTheConsole() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step();
            deploy(redis.uri(), CredentialMasks.of("hunter22"), step)
                    .submit(request(redis.uri(), "shop", "test x = x && echo hunter22 >/dev/null && exit 4 # hunter22"),
                            Secrets.none(), null);
            Termination end = step.await();
            assertEquals(Termination.Kind.FAILURE, end.kind());
            assertTrue(end.message().contains("exited with 4"), end.message());
            assertFalse(end.message().contains("hunter22"), end.message());
            assertTrue(end.message().contains("****"), end.message());
            assertTrue(step.console.stream().noneMatch(l -> l.contains("hunter22")), step.console.toString());
        }
    }

    /** Issue 12, fault 9: "cancelling" comes before the job's "cancelled", as they happen. */
    @Test
    void abortPrintsCancellingBeforeTheJobSaysItWasCancelled() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step step = new Step();
            QueueDeploy deploy = deploy(redis.uri(), Masker.none(), step);
            deploy.submit(request(redis.uri(), "shop", "echo working; sleep 60"), Secrets.none(), null);
            Await.until("job running", Duration.ofSeconds(20), () -> step.console.contains("working"));
            deploy.stop("shop » main #41", "aborted");
            Termination end = step.await();
            assertEquals(Termination.Kind.ABORTED, end.kind(), String.join("\n", step.console));
            int cancelling = step.indexOf("cancelling deployster job");
            int cancelled = step.indexOf("[deployster] cancelled");
            assertTrue(cancelling >= 0 && cancelled > cancelling, String.join("\n", step.console));
        }
    }

    @Test
    void aResumedDeployPrintsOnlyWhatItHadNotPrinted() throws Exception {
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            Step first = new Step();
            QueueDeploy deploy = deploy(redis.uri(), Masker.none(), first);
            deploy.submit(request(redis.uri(), "shop", "echo once"), Secrets.none(), null);
            assertEquals(Termination.Kind.SUCCESS, first.await().kind());
            DeploySession saved = deploy.session();
            Step again = new Step();
            deploy(redis.uri(), Masker.none(), again).resume(saved);
            assertEquals(Termination.Kind.SUCCESS, again.await().kind());
            assertEquals(-1, again.indexOf("once"), again.console.toString());
        }
    }
}
