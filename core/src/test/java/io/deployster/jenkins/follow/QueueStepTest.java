package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.StepProblem;
import io.deployster.jenkins.Termination;
import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.job.Problem;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The start/stop decisions the plugin's QueueExecution used to make itself, on real threads. */
class QueueStepTest {
    private final ExecutorService work = Executors.newFixedThreadPool(2);
    private final BlockingQueue<Termination> ends = new LinkedBlockingQueue<>();
    private final QueueStep step = new QueueStep(work, ends::add);

    @AfterEach
    void stopThreads() {
        work.shutdownNow();
    }

    private Termination nextEnd() throws InterruptedException {
        Termination end = ends.poll(30, TimeUnit.SECONDS);
        assertNotNull(end, "the step did not end");
        return end;
    }

    @Test
    void aProblemForTheUserEndsTheStepWithItsMessageAsItIs() throws Exception {
        step.start("submit", () -> {
            throw new StepProblem("deployster: the Redis credential 'redis-pass' of the global configuration does not exist");
        });
        Termination end = nextEnd();
        assertEquals(Termination.Kind.FAILURE, end.kind());
        assertEquals("deployster: the Redis credential 'redis-pass' of the global configuration does not exist", end.message());
    }

    @Test
    void invalidParametersFoundLateEndTheStepListingThem() throws Exception {
        step.start("submit", () -> {
            throw new InvalidStepException(List.of(new Problem("secretEnv.DB_PASSWORD", "db", "no Secret text credential 'db'")));
        });
        Termination end = nextEnd();
        assertTrue(end.message().startsWith("deployster: the step's parameters are not valid:"), end.message());
        assertTrue(end.message().contains("secretEnv.DB_PASSWORD"), end.message());
    }

    @Test
    void anythingElseSaysWhatTheStepWasDoing() throws Exception {
        step.start("resume following job 20261122-103512-k3f9x2ab", () -> {
            throw new IllegalStateException("connection refused");
        });
        assertEquals("deployster: could not resume following job 20261122-103512-k3f9x2ab: connection refused", nextEnd().message());
        QueueStep other = new QueueStep(work, ends::add);
        other.start("submit", () -> {
            throw new NullPointerException();
        });
        assertEquals("deployster: could not submit: NullPointerException", nextEnd().message());
    }

    @Test
    void aStopBeforeTheDeployExistsEndsTheStepAtOnceAndNothingBegins() throws Exception {
        CountDownLatch preparing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean begun = new AtomicBoolean();
        step.start("submit", () -> {
            preparing.countDown();
            release.await();
            return new QueueStep.Prepared(() -> begun.set(true), (build, message) -> ends.add(Termination.failure("stopped twice")));
        });
        assertTrue(preparing.await(30, TimeUnit.SECONDS));
        step.stop("shop #3", "Aborted by admin");
        Termination end = nextEnd();
        assertEquals(Termination.Kind.ABORTED, end.kind());
        assertEquals("Aborted by admin", end.message());

        release.countDown();
        work.shutdown();
        assertTrue(work.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(!begun.get(), "a deploy prepared after the stop is never submitted");
        step.stop("shop #3", "Aborted again");
        assertNull(ends.poll(), "the step ends once");
    }

    @Test
    void aStopAfterTheDeployBeganGoesToTheDeploy() throws Exception {
        BlockingQueue<String> stops = new LinkedBlockingQueue<>();
        CountDownLatch begun = new CountDownLatch(1);
        step.start("submit", () -> new QueueStep.Prepared(begun::countDown, (build, message) -> stops.add(build + ": " + message)));
        assertTrue(begun.await(30, TimeUnit.SECONDS));
        step.stop("shop #4", "Aborted by admin");
        assertEquals("shop #4: Aborted by admin", stops.poll(30, TimeUnit.SECONDS));
        assertNull(ends.poll(), "the deploy, not this class, ends the step once its job reports the cancel");
    }
}
