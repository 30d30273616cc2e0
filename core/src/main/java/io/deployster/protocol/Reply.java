package io.deployster.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a protocol script answered. Every script returns one array, {@code {code, value...}}: a code of
 * {@link Code} (in Lua {@code REPLY_<NAME>}) and the values that code promises, as each script's header
 * lists them. Decoded here and nowhere else.
 *
 * @param script the script's name, for errors
 * @param values the values after the code: text, numbers or nested lists, as Redis converted them
 */
public record Reply(String script, Code code, List<Object> values) {
    /** The codes of every script; each script's header names those it returns. */
    public enum Code {
        /** Done as asked. */
        OK,
        /** submit: a job or workflow with this id exists already. */
        DUPLICATE,
        /** start: run the job now. */
        RUN,
        /** start: the job was parked behind the project's lock holder. */
        WAIT,
        /** start: nothing to do, the job is not queued or waiting (ended, or a repeated delivery). */
        SKIP,
        /** start: a signed job that already started once. */
        REPLAYED,
        /** start: the entry's spec names another project than the job's hash; nothing was changed. */
        WRONG_PROJECT,
        /** finish, reject: the job had ended before (cancelled, lost); nothing was changed. */
        ALREADY,
        /** cancel: the job was queued or waiting and is cancelled now. */
        CANCELLED,
        /** cancel: the job runs; its worker was asked to stop it. */
        REQUESTED,
        /** cancel: the job had ended already. */
        FINISHED,
        /** cancel: there is no such job. */
        UNKNOWN,
        /** renew, per job: still the job's, renewed. */
        HELD,
        /** renew, per job: it had lapsed but nobody was granted it since; the job holds it again. */
        RETAKEN,
        /** renew, per job: another job holds it or was granted it since. */
        LOST,
        /** renew, per job: the job is no longer running in Redis. */
        ENDED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalStateException naming the script and the text */
        static Code of(String script, Object text) {
            if (text instanceof String s) {
                for (Code c : values()) {
                    if (c.wireName().equals(s)) {
                        return c;
                    }
                }
            }
            throw new IllegalStateException("script " + script + " answered with code '" + text + "', which this build does not know"
                    + " (is a worker or producer of another version sharing this Redis? see docs/protocol.md, Versioning)");
        }
    }

    public Reply {
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * Decodes a script's raw answer.
     *
     * @throws IllegalStateException when it is not an array that opens with a known code
     */
    public static Reply decode(String script, Object raw) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalStateException("script " + script + " answered '" + raw + "' instead of {code, ...}");
        }
        return new Reply(script, Code.of(script, list.get(0)), new ArrayList<>(list.subList(1, list.size())));
    }

    /** Returns this reply when its code is one of {@code allowed}. @throws IllegalStateException otherwise */
    public Reply expect(Code... allowed) {
        for (Code c : allowed) {
            if (c == code) {
                return this;
            }
        }
        throw new IllegalStateException("script " + script + " answered " + code.wireName() + " " + values
                + ", where only " + List.of(allowed) + " can be handled");
    }

    /** Value {@code i} (0 is the first after the code) as text; "" when absent. */
    public String text(int i) {
        Object v = i < values.size() ? values.get(i) : null;
        return v == null ? "" : v.toString();
    }

    /** Value {@code i} as a code (renew's per-job states). @throws IllegalStateException when it is not one */
    public Code code(int i) {
        return Code.of(script, i < values.size() ? values.get(i) : null);
    }

    /** Value {@code i} as a number. @throws IllegalStateException when it is not one */
    public long number(int i) {
        Object v = i < values.size() ? values.get(i) : null;
        if (v instanceof Long l) {
            return l;
        }
        try {
            return Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("script " + script + " answered '" + v + "' as value " + i + " of " + code.wireName()
                    + ", where a number belongs");
        }
    }

    /** Value {@code i} as a list of text (a nested array). */
    public List<String> texts(int i) {
        Object v = i < values.size() ? values.get(i) : null;
        if (!(v instanceof List<?> list)) {
            throw new IllegalStateException("script " + script + " answered '" + v + "' as value " + i + " of " + code.wireName()
                    + ", where a list belongs");
        }
        return list.stream().map(String::valueOf).toList();
    }
}
