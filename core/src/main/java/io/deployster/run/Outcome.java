package io.deployster.run;

import io.deployster.job.JobStatus;
import io.deployster.secret.Masker;

/**
 * How a run ended.
 *
 * @param failedCommand index of the command that failed (commands mode), or null
 */
public record Outcome(JobStatus status, Integer exitCode, Integer failedCommand, String reason) {

    /** This outcome with secrets masked in its reason, which quotes commands and errors of the job. */
    public Outcome masked(Masker masker) {
        return reason == null ? this : new Outcome(status, exitCode, failedCommand, masker.mask(reason));
    }
}
