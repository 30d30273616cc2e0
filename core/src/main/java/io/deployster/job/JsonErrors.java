package io.deployster.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gson's syntax errors in our words. Its messages name the library's own settings and a web page
 * ("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at line 1 column 10
 * path $ See https://..."), which tell a user nothing about their text.
 */
public final class JsonErrors {
    private static final Pattern AT = Pattern.compile("(?s)^(.*?) at line (\\d+) column (\\d+)(?: path \\S*)?\\s*(?:See https?://\\S*)?\\s*$");

    private JsonErrors() {
    }

    /**
     * @param e what Gson threw while reading
     * @return "not valid JSON at line L, column C: REASON" for a syntax error (L and C from 1), else the
     *         message without class names or web addresses
     */
    public static String describe(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceAll("^([a-z]+\\.)+[A-Za-z]+(Exception|Error): ", "");
        Matcher at = AT.matcher(m);
        if (!at.matches()) {
            return m.replaceAll("\\s*See https?://\\S*", "");
        }
        return "not valid JSON at line " + at.group(2) + ", column " + at.group(3) + ": " + reason(at.group(1));
    }

    private static String reason(String gson) {
        if (gson.startsWith("Use JsonReader.setStrictness")) {
            // what strict mode refuses: a second value, a comment, single quotes, a bare word
            return "text that JSON does not allow here (such as more text after the end, a comment, single quotes or an unquoted word)";
        }
        if (gson.startsWith("End of input")) {
            return "the text ends before the JSON does (a missing } or ])";
        }
        if (gson.startsWith("Expected value")) {
            return "a value is missing";
        }
        return gson.isEmpty() ? "malformed" : Character.toLowerCase(gson.charAt(0)) + gson.substring(1);
    }
}
