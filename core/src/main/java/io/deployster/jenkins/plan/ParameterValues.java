package io.deployster.jenkins.plan;

import io.deployster.jenkins.form.StepForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the step's setters store, decided here so the step only delegates: blank text is "not given",
 * lists are copied, and the map parameters, which the step declares as {@code Object} so that structs
 * can describe them (its {@code ParameterType.of} has no case for {@code Map}), are checked and copied
 * into JSON types. Every error names the parameter, the value's kind and what is accepted; the
 * values themselves are only checked in full by {@link DeployPlanner}.
 */
public final class ParameterValues {
    private ParameterValues() {
    }

    /** Stripped text; null for null or blank. */
    public static String text(String given) {
        return given == null || given.isBlank() ? null : given.strip();
    }

    /** A copy of the list, each item as text (Groovy may hand over GStrings); null for null or empty. */
    public static List<String> list(List<?> given) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        List<String> copy = new ArrayList<>(given.size());
        for (Object item : given) {
            copy.add(item == null ? null : item.toString());
        }
        return copy;
    }

    /** Null for null or 0, so that a 0 from the form is "not given" and left out of snippets. */
    public static Integer zeroToNull(Integer given) {
        return given == null || given == 0 ? null : given;
    }

    /** The mode as given; null for blank or the default, {@code queue}, so that snippets leave it out. */
    public static String mode(String given) {
        String m = text(given);
        return m == null || StepMode.parse(m) == StepMode.QUEUE ? null : m;
    }

    /**
     * {@code extraVars}: a map (a Jenkinsfile's {@code [replicas: 2, hosts: ['a', 'b']]}) or its text
     * (a JSON object, or one {@code name=value} per line), as a map of JSON types in which numbers keep
     * the type the form reads back ({@link StepForm#normalize}).
     *
     * @return null for null or empty
     * @throws IllegalArgumentException for another kind of value or unreadable text, naming the parameter
     */
    public static Map<String, Object> extraVars(Object given) {
        Map<String, Object> vars;
        if (given == null) {
            return null;
        } else if (given instanceof Map<?, ?> map) {
            vars = StepForm.normalize(map);
        } else if (given instanceof CharSequence text) {
            try {
                vars = StepForm.parseExtraVars(text.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("extraVars: " + e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException(notAMap("extraVars", given, "extraVars: [replicas: 2, hosts: ['a', 'b']]"));
        }
        return vars == null || vars.isEmpty() ? null : vars;
    }

    /**
     * {@code secretEnv} or {@code secretExtraVars}: a map of variable name to credential id, or its text
     * (one {@code NAME=credentialsId} per line).
     *
     * @param field the parameter's name, for messages
     * @return null for null or empty
     * @throws IllegalArgumentException for another kind of value or unreadable text, naming the parameter
     */
    public static Map<String, String> secretRefs(String field, Object given) {
        if (given == null) {
            return null;
        } else if (given instanceof Map<?, ?> map) {
            return StepForm.stringMap(map);
        } else if (given instanceof CharSequence text) {
            try {
                Map<String, String> parsed = StepForm.parseNameValues(text.toString());
                return parsed == null || parsed.isEmpty() ? null : parsed;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(notAMap(field, given, field + ": [DB_PASSWORD: 'db-password-credential-id']"));
    }

    private static String notAMap(String field, Object given, String example) {
        // the kind, not the value: a value given where a secret's id belongs may be the secret itself
        return field + ": a " + given.getClass().getSimpleName() + " was given; give a map, e.g. " + example;
    }
}
