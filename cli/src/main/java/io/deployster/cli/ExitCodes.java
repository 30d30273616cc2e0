package io.deployster.cli;

import io.deployster.job.JobStatus;

/** Exit codes of the deployster command, one per way a job or a call can end (docs/cli.md#exit-codes). */
public final class ExitCodes {
    public static final int SUCCEEDED = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int CANCELLED = 3;
    public static final int TIMED_OUT = 4;
    public static final int LOST = 5;
    public static final int REJECTED = 6;
    public static final int NO_SUCH_JOB = 7;
    public static final int REDIS_UNREACHABLE = 8;
    /** {@code status} and {@code logs} without --follow: the job has not ended yet. */
    public static final int NOT_ENDED = 9;

    private ExitCodes() {
    }

    public static int of(JobStatus status) {
        return switch (status) {
            case SUCCEEDED -> SUCCEEDED;
            case CANCELLED -> CANCELLED;
            case TIMED_OUT -> TIMED_OUT;
            case LOST -> LOST;
            case REJECTED -> REJECTED;
            default -> FAILED;
        };
    }
}
