package io.deployster.jenkins;

import java.util.Map;

/**
 * How the step ends: with a result, with a failure message, aborted (the build was stopped), or
 * halted (Jenkins is shutting down; the step resumes after the restart and must not end now).
 *
 * @param result the step's return value for SUCCESS, else null
 * @param message the failure message for FAILURE and ABORTED, else null
 */
public record Termination(Kind kind, Map<String, Object> result, String message) {

    public enum Kind { SUCCESS, FAILURE, ABORTED, HALTED }

    public static Termination success(Map<String, Object> result) {
        return new Termination(Kind.SUCCESS, result, null);
    }

    public static Termination failure(String message) {
        return new Termination(Kind.FAILURE, null, message);
    }

    public static Termination aborted(String message) {
        return new Termination(Kind.ABORTED, null, message);
    }

    /** The same end with its message masked: every text the step throws passes the masker. */
    public Termination masked(io.deployster.secret.Masker masker) {
        return message == null ? this : new Termination(kind, result, masker.mask(message));
    }

    public static Termination halted() {
        return new Termination(Kind.HALTED, null, null);
    }
}
