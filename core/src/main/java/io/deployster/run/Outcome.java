package io.deployster.run;

import io.deployster.job.JobStatus;

/**
 * How a run ended.
 *
 * @param failedCommand index of the command that failed (commands mode), or null
 */
public record Outcome(JobStatus status, Integer exitCode, Integer failedCommand, String reason) {
}
