package io.deployster.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultMapperTest {
    private static JobState state(JobStatus status, Integer exit, Integer failed, String reason) {
        return new JobState("20261122-103512-k3f9x2ab", status, "shop", "deploy", "build", Instant.ofEpochMilli(1000),
                "w1", Instant.ofEpochMilli(2000), Instant.ofEpochMilli(4500), exit, failed, reason, null, 1L, Map.of());
    }

    @Test
    void successReturnsTheResultMap() {
        Termination t = ResultMapper.fromState(state(JobStatus.SUCCEEDED, 0, null, null), false);
        assertEquals(Termination.Kind.SUCCESS, t.kind());
        Map<String, Object> r = t.result();
        assertEquals("20261122-103512-k3f9x2ab", r.get("jobId"));
        assertEquals("succeeded", r.get("status"));
        assertEquals(0, r.get("exitCode"));
        assertEquals("w1", r.get("worker"));
        assertEquals(2500L, r.get("durationMillis"));
        assertEquals("shop", r.get("project"));
    }

    @Test
    void failureNamesTheJobTheWorkerAndTheFailingCommand() {
        Termination t = ResultMapper.fromState(state(JobStatus.FAILED, 1, 1, "command 2 of 3 exited with 1: yarn build"), false);
        assertEquals(Termination.Kind.FAILURE, t.kind());
        assertEquals("deployster job 20261122-103512-k3f9x2ab (project shop) failed on worker w1: command 2 of 3 exited with 1: yarn build",
                t.message());
    }

    @Test
    void failureWithoutReasonStillSaysWhichCommand() {
        assertEquals("deployster job 20261122-103512-k3f9x2ab (project shop) failed on worker w1: exit code 3 from command 2",
                ResultMapper.failureMessage(state(JobStatus.FAILED, 3, 1, null)));
    }

    @Test
    void cancelledByThisBuildIsAnAbortOtherwiseAFailure() {
        assertEquals(Termination.Kind.ABORTED, ResultMapper.fromState(state(JobStatus.CANCELLED, null, null, "aborted"), true).kind());
        Termination other = ResultMapper.fromState(state(JobStatus.CANCELLED, null, null, "cancelled from the CLI"), false);
        assertEquals(Termination.Kind.FAILURE, other.kind());
        assertEquals("deployster job 20261122-103512-k3f9x2ab (project shop) was cancelled on worker w1: cancelled from the CLI", other.message());
    }

    @Test
    void timedOutAndLostAreFailures() {
        assertEquals(Termination.Kind.FAILURE, ResultMapper.fromState(state(JobStatus.TIMED_OUT, null, 0, "timed out after 60 s"), true).kind());
        assertEquals(Termination.Kind.FAILURE, ResultMapper.fromState(state(JobStatus.LOST, null, null, "worker vanished"), false).kind());
    }
}
