package io.deployster.job;

import java.util.List;
import java.util.stream.Collectors;

/** A job that cannot be accepted; the message lists every problem, one per line. */
public class InvalidJobException extends IllegalArgumentException {
    private final List<Problem> problems;

    public InvalidJobException(List<Problem> problems) {
        this("job", problems);
    }

    /** @param what what is invalid, for the message's title: {@code job}, {@code workflow} */
    public InvalidJobException(String what, List<Problem> problems) {
        super("invalid " + what + ":\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
