package io.deployster.ops;

/** Checks of the names and numbers an operator gives, with messages naming the field, the value and what is allowed. */
final class Names {
    static final int MAX_LIMIT = 100_000;

    private Names() {
    }

    static void check(String field, String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(field + " '" + name + "' is not allowed; use 1 to 100 of A-Z a-z 0-9 . _ -");
        }
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is not allowed; use 1 to " + MAX_LIMIT);
        }
    }
}
