package io.deployster.job;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;

/**
 * A spec field whose JSON value has the wrong type or range, found while decoding: it becomes a
 * {@link Problem} naming the field as the validator does ({@code env.A}, {@code commands[1]}), not the
 * whole spec with the parser's words for it.
 */
final class WrongValueException extends JsonParseException {
    private final transient Problem problem;

    WrongValueException(String path, String value, String allowed) {
        super(path + ": " + value + " is not allowed; " + allowed);
        this.problem = new Problem(field(path), value, allowed);
    }

    /** The value at {@code in} (read, so the reader is spent), refused because the field takes {@code wanted}. */
    static WrongValueException at(JsonReader in, String wanted) throws IOException {
        String path = in.getPath();
        String got = kind(in.peek());
        String value = JsonParser.parseReader(in).toString();
        return new WrongValueException(path, value, wanted + ", not " + got);
    }

    Problem problem() {
        return problem;
    }

    // Gson's path ($.env.A, $.commands[1]) without its root, as the validator names fields
    static String field(String path) {
        return path.startsWith("$.") ? path.substring(2) : path.equals("$") ? "spec" : path;
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case STRING -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case BEGIN_ARRAY -> "a list";
            case BEGIN_OBJECT -> "an object";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
