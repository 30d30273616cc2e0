package io.deployster.jenkins;

import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.secret.Masker;
import java.util.LinkedHashMap;
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

    /** This termination with secrets masked in its message and in the text values of its result, at any depth (a workflow's tasks). */
    public Termination masked(Masker masker) {
        return new Termination(kind, result == null ? null : maskedMap(result, masker), masker.mask(message));
    }

    private static Map<String, Object> maskedMap(Map<?, ?> map, Masker masker) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            out.put(String.valueOf(e.getKey()), v instanceof String s ? masker.mask(s) : v instanceof Map<?, ?> m ? maskedMap(m, masker) : v);
        }
        return out;
    }

    /**
     * How the step ends when preparing or starting its work threw: a problem described for the user
     * ({@link StepProblem}, or the planner's InvalidStepException, an IllegalArgumentException whose
     * message lists every parameter problem) ends it with that message as it is; anything else with
     * what the step was doing and the exception's message. Decided by the exception's type, never by
     * its text. Mask the result ({@link #masked}) before showing it: the message may quote a URI.
     *
     * @param doing what failed, e.g. {@code submit} or {@code resume following job 20261122-…}
     */
    public static Termination fromException(Throwable e, String doing) {
        if (e instanceof StepProblem || e instanceof InvalidStepException) {
            return failure(e.getMessage());
        }
        String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return failure("deployster: could not " + doing + ": " + why);
    }

    public static Termination halted() {
        return new Termination(Kind.HALTED, null, null);
    }
}
