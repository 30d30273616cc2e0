package io.deployster.client;

/** The job is not in Redis: a wrong id, another Redis, or a job whose retention ran out. */
public class NoSuchJobException extends RuntimeException {
    public NoSuchJobException(String id) {
        super("no job '" + id + "' in Redis: check the id and the Redis URI; finished jobs are kept for the retention period only");
    }
}
