package io.deployster.jenkins.plan;

import io.deployster.job.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** The step's parameters cannot make a deploy; the message lists every problem, one per line. */
public class InvalidStepException extends IllegalArgumentException {
    private final List<Problem> problems;

    public InvalidStepException(List<Problem> problems) {
        super("deployster: the step's parameters are not valid:\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
