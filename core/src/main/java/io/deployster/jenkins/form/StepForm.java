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
import java.util.Set;
import java.util.function.Supplier;

/**
 * Conversions between the step's list and map parameters and the text areas of its form (Pipeline
 * Syntax / Snippet Generator), and normalisation of values coming from Groovy.
 */
public final class StepForm {
    private static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .serializeNulls()               // an extra var set to null stays in the form, and so in the step
            .setPrettyPrinting()
            .setObjectToNumberStrategy(StepForm::formNumber)
            .create();

    private StepForm() {
    }

    /**
     * Reads a JSON number of the form as {@link #normalize} stores numbers, so that a value that went
     * through the form comes back equal: an integer as Integer, else Long, else BigInteger; a decimal as
     * Double when a Double holds it exactly, else BigDecimal. Double rather than BigDecimal because
     * that is what the Snippet Generator can write back as Groovy ({@code Snippetizer.object2Groovy} in
     * jenkinsci/workflow-cps-plugin writes Integer, Long and Double, and no BigDecimal).
     */
    private static Number formNumber(JsonReader in) throws IOException {
        String text = in.nextString();
        try {
            if (text.contains(".") || text.contains("e") || text.contains("E")) {
                return decimal(new BigDecimal(text));
            }
            return integer(new BigInteger(text));
        } catch (NumberFormatException e) {
            throw new IOException("'" + text + "' is not a number", e);
        }
    }

    private static Number integer(BigInteger value) {
        if (value.bitLength() < Integer.SIZE) {
            return value.intValue();
        }
        return value.bitLength() < Long.SIZE ? (Number) value.longValue() : value;
    }

    private static Number decimal(BigDecimal value) {
        double d = value.doubleValue();
        return Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0 ? (Number) d : value;
    }

    /** The form fields that are text areas standing for list and map parameters: {@link #textAreas} reads them. */
    public static final Set<String> TEXT_AREAS = Set.of("commands", "env", "extraVars", "secretEnv", "secretExtraVars");

    /** The list and map parameters read from the form's text areas; each null when left empty. */
    public record TextAreas(List<String> commands, List<String> env, Map<String, Object> extraVars,
                            Map<String, String> secretEnv, Map<String, String> secretExtraVars) {
    }

    /**
     * Reads the Snippet Generator's text areas ({@link #TEXT_AREAS}) out of a submitted form.
     *
     * @param form the form's fields, name → value (a text area's value is its text)
     * @throws IllegalArgumentException naming the field, the line or value that is wrong and what is accepted.
     *     Not Jenkins' FormException on purpose: {@code Snippetizer.doGenerateSnippet} (jenkinsci/workflow-cps-plugin)
     *     shows a RuntimeException's message to the user and lets any other exception become an error page
     */
    public static TextAreas textAreas(Map<String, ?> form) {
        return new TextAreas(field("commands", () -> linesField(form, "commands")), field("env", () -> linesField(form, "env")),
                field("extraVars", () -> emptyToNull(parseExtraVars(text(form, "extraVars")))),
                field("secretEnv", () -> emptyToNull(parseNameValues(text(form, "secretEnv")))),
                field("secretExtraVars", () -> emptyToNull(parseNameValues(text(form, "secretExtraVars")))));
    }

    /**
     * The message for a form field Jenkins could not bind (a {@code FormException} of the descriptor's
     * binding), for the same reason as {@link #textAreas} an IllegalArgumentException's.
     */
    public static String fieldProblem(String field, String why) {
        return (field == null || field.isBlank() ? "the form" : field) + ": " + (why == null ? "cannot be read" : why);
    }

    private static List<String> linesField(Map<String, ?> form, String key) {
        Object value = form.get(key);
        if (value instanceof Collection<?> items) {
            List<String> lines = new ArrayList<>();
            items.forEach(item -> lines.add(String.valueOf(item)));
            return lines.isEmpty() ? null : lines;
        }
        return parseLines(text(form, key));
    }

    private static String text(Map<String, ?> form, String key) {
        Object value = form.get(key);
        if (value == null || value instanceof CharSequence) {
            return value == null ? null : value.toString();
        }
        throw new IllegalArgumentException("expected the text of the form's text area, got a " + value.getClass().getSimpleName());
    }

    private static <T> T field(String key, Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static <K, V> Map<K, V> emptyToNull(Map<K, V> map) {
        return map == null || map.isEmpty() ? null : map;
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
     * A copy of {@code vars} made of JSON types only: Groovy strings become strings, lists and arrays
     * become lists, maps become maps, booleans and null stay. Numbers take one representation per value,
     * the one {@link #parseExtraVars} reads back from the form (Integer, else Long, else BigInteger; a
     * decimal as Double when that is exact, else BigDecimal), so the step's configuration survives the
     * form unchanged: Groovy's {@code 1.5} (a BigDecimal) and {@code 1.5d} are both stored as Double 1.5.
     *
     * @throws IllegalArgumentException for NaN or an infinity, which JSON cannot carry
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

    private static Number number(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return integer(BigInteger.valueOf(n.longValue()));
        }
        if (n instanceof BigInteger big) {
            return integer(big);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(d + " is not a number JSON can carry; give a finite number");
            }
            // Float via its text, so 0.1f stays 0.1 and does not become 0.10000000149011612
            return decimal(new BigDecimal(n.toString()));
        }
        return decimal(new BigDecimal(n.toString()));
    }

    private static Object normalizeValue(Object value) {
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Number n) {
            return number(n);
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
