package io.deployster.workflow;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ${tasks.NAME.outputs.KEY}} references a task may use to read an earlier task's outputs. */
public final class Placeholders {
    /** group 1: the task's name, group 2: the output's key */
    static final Pattern REF = Pattern.compile("\\$\\{tasks\\.([A-Za-z0-9_-]{1,40})\\.outputs\\.([A-Za-z0-9_.-]{1,100})}");

    private Placeholders() {
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
