package io.deployster.web;

import java.util.Locale;

/** What a token may do on the operations page. */
public enum Role {
    /** sees everything the page shows */
    READ,
    /** as READ, and cancels jobs */
    OPERATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static Role fromWireName(String name) {
        for (Role r : values()) {
            if (r.wireName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role '" + name + "' is not allowed; use read or operate");
    }
}
