package io.deployster.queue;

/** A submit under an id that a job or workflow already has (submit.lua, workflow-submit.lua answered duplicate). */
public final class DuplicateJobException extends RuntimeException {
    private final String id;

    public DuplicateJobException(String id) {
        super("job " + id + " already exists; it was not submitted again");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
