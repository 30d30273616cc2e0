package io.deployster.jenkins.plan;

import java.util.Locale;

/** Where the step's deploy runs: on a worker through the queue, or directly on the Jenkins agent. */
public enum StepMode {
    QUEUE("queue"),
    AGENT("agent");

    private final String wireName;

    StepMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the mode for the text, {@link #QUEUE} when blank, or null when it names no mode */
    public static StepMode parse(String text) {
        if (text == null || text.isBlank()) {
            return QUEUE;
        }
        String name = text.trim().toLowerCase(Locale.ROOT);
        for (StepMode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
