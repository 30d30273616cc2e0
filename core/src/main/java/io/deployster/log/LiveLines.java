package io.deployster.log;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns a job's lines and partial lines into console output, per stream. A partial line that extends
 * what is shown (a prompt, dots) is written as its new characters; one that rewrites it (a {@code \r}
 * progress bar) is rewritten in place on a terminal, or left for the finished line on a console that
 * can only append (a Jenkins log).
 */
public final class LiveLines {
    private final boolean canRewrite;
    private final Map<String, String> shown = new HashMap<>();

    /** @param canRewrite true when the output may carry {@code \r} to rewrite the current line (a terminal) */
    public LiveLines(boolean canRewrite) {
        this.canRewrite = canRewrite;
    }

    /** @return the characters to write now for this state of an unfinished line; may be empty */
    public String partial(String stream, String text) {
        String before = shown.get(stream);
        if (before == null) {
            shown.put(stream, text);
            return text;
        }
        if (text.startsWith(before)) {
            shown.put(stream, text);
            return text.substring(before.length());
        }
        if (!canRewrite) {
            return "";
        }
        shown.put(stream, text);
        return rewrite(before, text);
    }

    /** @return the characters to write for a finished line, ending with its line end */
    public String line(String stream, String text) {
        String before = shown.remove(stream);
        if (before == null) {
            return text + "\n";
        }
        if (text.startsWith(before)) {
            return text.substring(before.length()) + "\n";
        }
        return canRewrite ? rewrite(before, text) + "\n" : "\n" + text + "\n";
    }

    /** True while a stream has an unfinished line on the console. */
    public boolean open(String stream) {
        return shown.containsKey(stream);
    }

    // Back to the line's start, the new text, and blanks over what is left of a longer old one.
    private static String rewrite(String before, String text) {
        int leftOver = before.codePointCount(0, before.length()) - text.codePointCount(0, text.length());
        return "\r" + text + " ".repeat(Math.max(0, leftOver));
    }
}
