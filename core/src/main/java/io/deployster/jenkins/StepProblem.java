package io.deployster.jenkins;

/**
 * A problem the user fixes (a missing credential, a key that cannot be read), whose message says
 * what is wrong and what to do: the step fails with the message as it is, without a stack trace or
 * a "could not …" prefix. The message names credentials by id and never holds a secret.
 */
public class StepProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StepProblem(String message) {
        super(message);
    }

    public StepProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
