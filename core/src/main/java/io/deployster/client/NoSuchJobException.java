package io.deployster.client;

/** The job is not in Redis: a wrong id, another Redis, or a job whose retention ran out. */
public class NoSuchJobException extends RuntimeException {
    public NoSuchJobException(String id) {
        super("no job '" + id + "' in Redis: check the id and the Redis URI; finished jobs are kept for the retention period only");
    }

    private NoSuchJobException(String id, String message) {
        super(message.replace("{id}", id));
    }

    /** The job was in Redis when following began and is gone now: not a wrong id, so do not say so. */
    public static NoSuchJobException vanished(String id) {
        return new NoSuchJobException(id, "job '{id}' is no longer in Redis, though it was there when following began: Redis "
                + "lost it (restarted without persistence, or failed over to a replica that did not have it) or its retention "
                + "ran out. Its deploy may still have run or be running: check the log of the worker that took it (lines with "
                + "'job {id}') and the host before deploying again");
    }
}
