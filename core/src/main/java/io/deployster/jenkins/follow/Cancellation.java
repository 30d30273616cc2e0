package io.deployster.jenkins.follow;

import io.deployster.client.DeploysterClient;
import io.deployster.jenkins.ConsoleRenderer;
import io.deployster.queue.JobQueue;
import java.util.ArrayList;
import java.util.List;

/** Cancelling the remote job when the build is aborted. */
public final class Cancellation {
    private Cancellation() {
    }

    /** The reason recorded on the job (and shown to whoever looks at it). */
    public static String reason(String buildName) {
        return "the Jenkins build " + (buildName == null || buildName.isBlank() ? "" : buildName.strip() + " ") + "was aborted";
    }

    /**
     * Marks the session as stopping and asks Redis to cancel its job. The follower then sees the job
     * end (at once when it was queued or waiting, once the worker killed it when it was running).
     *
     * @return the console lines saying what the cancel did (the caller printed "cancelling" before calling,
     *     so the lines appear in the order things happen)
     */
    public static List<String> request(DeploysterClient client, DeploySession session, String reason) {
        session.requestStop();
        List<String> lines = new ArrayList<>();
        try {
            JobQueue.CancelOutcome outcome = client.cancel(session.jobId(), reason);
            lines.add(ConsoleRenderer.cancelOutcome(session.jobId(), outcome));
        } catch (RuntimeException e) {
            lines.add(ConsoleRenderer.cancelFailed(session.jobId(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return lines;
    }
}
