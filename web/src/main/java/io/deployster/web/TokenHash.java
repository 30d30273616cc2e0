package io.deployster.web;

import java.util.regex.Pattern;

/** How a token is written in a file that must not hold the token itself: the operators file, the gateway's config. */
public final class TokenHash {
    /** What such a field allows, for the error that refuses another value. */
    public static final String RULE = "the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum), never the token itself";
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-fA-F]{64}");

    private TokenHash() {
    }

    /** @param value what the file holds there: a YAML reader may have made a number of it, which is no hash */
    public static boolean valid(Object value) {
        return value instanceof String s && HEX_64.matcher(s).matches();
    }
}
