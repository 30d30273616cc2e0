package io.deployster.cli;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAME=VALUE options read by us rather than by picocli, whose map parsing treats quotes specially
 * (and warns with the value on stderr): a value arrives exactly as typed, and order is kept.
 */
final class NameValues {
    private NameValues() {
    }

    /** @param option the option's name, for messages */
    static Map<String, String> text(String option, List<String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String item : given) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw usage(option, item, "give NAME=VALUE, e.g. " + option + " NODE_ENV=production");
            }
            values.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return values;
    }

    /**
     * Ansible extra vars: {@code NAME=TEXT}, or with {@code json} {@code NAME=JSON} (any JSON value),
     * or {@code @FILE} holding a JSON object of variables, as ansible-playbook's {@code -e @FILE}.
     */
    static Map<String, Object> extraVars(String option, List<String> given, boolean json) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String item : given) {
            if (item.startsWith("@")) {
                values.putAll(file(option, item));
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw usage(option, item, json ? "give NAME=JSON, e.g. " + option + " 'hosts=[\"a\",\"b\"]', or @FILE.json"
                        : "give NAME=VALUE, or @FILE.json");
            }
            String name = item.substring(0, eq);
            String value = item.substring(eq + 1);
            values.put(name, json ? parse(option, name, value) : value);
        }
        return values;
    }

    private static Object parse(String option, String name, String value) {
        try {
            return JobCodec.parseValue(value);
        } catch (RuntimeException e) {
            throw usage(option, name + "=" + value, "the value of " + name + " must be JSON (a string needs its quotes: \"text\")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> file(String option, String item) {
        Path path = Path.of(item.substring(1));
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage(option, item, "the file cannot be read (" + e.getMessage() + ")");
        }
        Object value;
        try {
            value = JobCodec.parseValue(text);
        } catch (RuntimeException e) {
            value = null;
        }
        if (!(value instanceof Map)) {
            throw usage(option, item, "the file must hold one JSON object of variables");
        }
        return (Map<String, Object>) value;
    }

    private static InvalidJobException usage(String option, String value, String allowed) {
        return new InvalidJobException(List.of(new Problem(option, value, allowed)));
    }
}
