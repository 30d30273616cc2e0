package io.deployster.job;

/** What a job runs: an ordered command list in a directory, or one ansible-playbook invocation. */
public enum Mode {
    COMMANDS("commands"),
    ANSIBLE("ansible");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the mode for {@code name}, or null when there is none by that name */
    public static Mode fromWireName(String name) {
        for (Mode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
