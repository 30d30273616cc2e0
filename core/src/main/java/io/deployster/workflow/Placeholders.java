package io.deployster.workflow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ${tasks.NAME.outputs.KEY}} references a task may use to read an earlier task's outputs. */
public final class Placeholders {
    /** group 1: the task's name, group 2: the output's key */
    static final Pattern REF = Pattern.compile("\\$\\{tasks\\.([A-Za-z0-9_-]{1,40})\\.outputs\\.([A-Za-z0-9_.-]{1,100})}");

    /** Where a reference starts; one that does not match {@link #REF} from there is malformed. */
    private static final String START = "${tasks.";
    /**
     * What an output may hold to be pasted into a task's {@code commands}: characters no POSIX shell
     * treats specially, in or out of double quotes (no space, quote, $, `, \\, glob, ~, ;, &, |, <, >,
     * parentheses, braces or newline). A value with others fails the task (docs/security.md).
     */
    public static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._/:@%+=,-]*");
    public static final String SHELL_SAFE_RULE = "A-Z a-z 0-9 . _ / : @ % + = , -";

    private Placeholders() {
    }

    /**
     * The whole references in {@code text}, as written ({@code ${tasks.a.outputs.k}}), in order.
     */
    public static List<String> references(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            Matcher m = REF.matcher(text);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    /**
     * The first malformed reference in {@code text} ({@code ${tasks.a.outputs}}, {@code ${tasks.a.outputs.k/x}},
     * an unclosed {@code ${tasks.a.outputs.k}): from its {@code ${tasks.} to its closing brace or the end; null when none.
     */
    public static String malformed(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = REF.matcher(text);
        for (int at = text.indexOf(START); at >= 0; at = text.indexOf(START, at + 1)) {
            m.region(at, text.length());
            if (!m.lookingAt()) {
                int close = text.indexOf('}', at);
                return close < 0 ? text.substring(at) : text.substring(at, close + 1);
            }
        }
        return null;
    }

    /** Names of the tasks {@code text} refers to. */
    public static Set<String> tasks(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            Matcher m = REF.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /**
     * {@code text} with each reference replaced by {@code value.apply(task, key)}.
     *
     * @throws IllegalArgumentException from {@code value}, naming the missing output
     */
    public static String replace(String text, BiFunction<String, String, String> value) {
        if (text == null) {
            return null;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value.apply(m.group(1), m.group(2))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
