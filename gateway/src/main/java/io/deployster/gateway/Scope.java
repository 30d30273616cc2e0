package io.deployster.gateway;

import java.util.Locale;

/** What a token may do, within its project. {@code admin} implies every other scope. */
public enum Scope {
    SUBMIT, READ, CANCEL, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the scope, or null when {@code name} is none of them */
    public static Scope fromWireName(String name) {
        for (Scope s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
