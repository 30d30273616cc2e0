package io.deployster.secret;

import io.deployster.job.JobCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Secret values in clear, on the producer before sealing or on the worker after opening. Never
 * written anywhere but the job's environment, its .env file or a private extra-vars file.
 *
 * @param env secret environment variables (commands mode)
 * @param extraVars secret Ansible extra variables (ansible mode)
 */
public record Secrets(Map<String, String> env, Map<String, Object> extraVars) {
    /** Shorter values would mask ordinary words in the log. */
    public static final int MIN_LENGTH = 4;

    public Secrets {
        env = env == null ? Map.of() : Map.copyOf(env);
        extraVars = extraVars == null ? Map.of() : Map.copyOf(extraVars);
    }

    public static Secrets none() {
        return new Secrets(Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return env.isEmpty() && extraVars.isEmpty();
    }

    /** The values to mask in output: each env value, and the text of each extra var. */
    public Masker masker() {
        if (isEmpty()) {
            return Masker.none();
        }
        List<String> values = new ArrayList<>(env.values());
        extraVars.values().forEach(v -> {
            values.add(v instanceof String s ? s : JobCodec.toJson(v));
            addStrings(v, values);
        });
        return new Masker(values);
    }

    // A structured secret (a map of passwords) is printed one field at a time as often as whole.
    private static void addStrings(Object value, List<String> into) {
        if (value instanceof String s && s.length() >= MIN_LENGTH) {
            into.add(s);
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> addStrings(v, into));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> addStrings(v, into));
        }
    }
}
