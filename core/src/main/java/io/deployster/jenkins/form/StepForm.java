package io.deployster.jenkins.form;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between the step's list and map parameters and the text areas of its form (Pipeline
 * Syntax / Snippet Generator), and normalisation of values coming from Groovy.
 */
public final class StepForm {
    private static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .setPrettyPrinting()
            .setObjectToNumberStrategy(StepForm::groovyNumber)
            .create();

    private StepForm() {
    }

    /**
     * Reads a JSON number as Groovy would type the same literal (Integer, Long, BigInteger, BigDecimal),
     * so a map that went through the form comes back equal: {@code [replicas: 2]} keeps an Integer 2.
     */
    private static Number groovyNumber(JsonReader in) throws IOException {
        String text = in.nextString();
        try {
            if (text.contains(".") || text.contains("e") || text.contains("E")) {
                return new BigDecimal(text);
            }
            BigInteger big = new BigInteger(text);
            if (big.bitLength() < Integer.SIZE) {
                return big.intValue();
            }
            return big.bitLength() < Long.SIZE ? (Number) big.longValue() : big;
        } catch (NumberFormatException e) {
            throw new IOException("'" + text + "' is not a number", e);
        }
    }

    /** One item per line, for a text area. */
    public static String lines(List<String> items) {
        return items == null ? "" : String.join("\n", items);
    }

    /** The non-blank lines of a text area, without their line ends; null when there are none. */
    public static List<String> parseLines(String text) {
        if (text == null) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                items.add(line.strip());
            }
        }
        return items.isEmpty() ? null : items;
    }

    /**
     * A secret parameter ({@code secretEnv}, {@code secretExtraVars}) as given in a Jenkinsfile, as a
     * map of strings: Groovy may pass GString keys or values whatever the declared type, so the map is
     * read through a wildcard view and copied. Blank keys are dropped.
     *
     * @return null for null or empty
     */
    public static Map<String, String> stringMap(Map<?, ?> given) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : given.entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().toString().strip();
            if (!key.isEmpty()) {
                copy.put(key, e.getValue() == null ? null : e.getValue().toString().strip());
            }
        }
        return copy.isEmpty() ? null : copy;
    }

    /** A secret parameter in the form's text area: one {@code NAME=credentialsId} per line. */
    public static String nameValueLines(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        map.forEach((name, value) -> lines.add(name + "=" + (value == null ? "" : value)));
        return String.join("\n", lines);
    }

    /**
     * A secret parameter from the form's text area: one {@code NAME=credentialsId} per line.
     *
     * @return null for blank text
     * @throws IllegalArgumentException naming the line that is not NAME=credentialsId
     */
    public static Map<String, String> parseNameValues(String text) {
        List<String> lines = parseLines(text);
        if (lines == null) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 1 || line.substring(eq + 1).isBlank()) {
                throw new IllegalArgumentException("'" + line + "' is not NAME=credentialsId (one per line, e.g. DB_PASSWORD=db-password)");
            }
            map.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return map;
    }

    /** Extra vars as the JSON object shown in the form; "" for none. */
    public static String extraVarsText(Map<String, ?> extraVars) {
        return extraVars == null || extraVars.isEmpty() ? "" : GSON.toJson(normalize(extraVars));
    }

    /**
     * Extra vars from the form: a JSON object ({@code {"release": "v1", "replicas": 2}}), or one
     * {@code name=value} per line (values are strings).
     *
     * @return null for blank text
     * @throws IllegalArgumentException saying what is wrong and what is accepted
     */
    public static Map<String, Object> parseExtraVars(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            try {
                Object parsed = GSON.fromJson(trimmed, Object.class);
                if (!(parsed instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("extra vars must be one JSON object, like {\"release\": \"v1.2.0\"}");
                }
                return normalize(map);
            } catch (JsonParseException e) {
                throw new IllegalArgumentException("extra vars are not valid JSON (" + e.getMessage()
                        + "); write a JSON object or one name=value per line");
            }
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String line : parseLines(trimmed)) {
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("extra vars line '" + line + "' has no name=value; write one name=value per line or a JSON object");
            }
            vars.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        return vars;
    }

    /**
     * A copy of {@code vars} made of JSON-friendly Java types only: Groovy strings become strings,
     * lists and arrays become lists, maps become maps, numbers and booleans stay; null stays null.
     */
    public static Map<String, Object> normalize(Map<?, ?> vars) {
        if (vars == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : vars.entrySet()) {
            copy.put(String.valueOf(e.getKey()), normalizeValue(e.getValue()));
        }
        return copy;
    }

    private static Object normalizeValue(Object value) {
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Number n) {
            return n instanceof Integer || n instanceof Long || n instanceof Double || n instanceof Float
                    || n instanceof Short || n instanceof Byte ? n : new java.math.BigDecimal(n.toString());
        }
        if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            return normalize(map);
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            for (Object item : c) {
                list.add(normalizeValue(item));
            }
            return list;
        }
        if (value.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(normalizeValue(Array.get(value, i)));
            }
            return list;
        }
        return value.toString();
    }
}
