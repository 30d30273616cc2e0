package io.deployster.job;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.annotations.SerializedName;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/** JSON form of a spec: the one wire format every producer and worker share. */
public final class JobCodec {
    /** Deeper JSON is refused before parsing: a parser's recursion must not be the limit. */
    static final int MAX_DEPTH = 64;

    private static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .setStrictness(Strictness.STRICT)
            .registerTypeAdapter(String.class, StrictScalars.TEXT)
            .registerTypeAdapter(Boolean.class, StrictScalars.BOOLEAN)
            .registerTypeAdapter(Integer.class, StrictScalars.INTEGER)
            .registerTypeAdapterFactory(new StrictShapes())
            .create();

    /** Free-form values (extra vars): nulls kept, numbers as given (Gson's default would turn 1 into 1.0). */
    static final Gson VALUES = new GsonBuilder()
            .disableHtmlEscaping()
            .serializeNulls()
            .setStrictness(Strictness.STRICT)
            .setObjectToNumberStrategy(new JsonNumbers())
            .create();

    /** The JSON names of a spec's fields, in the record's order: the names a producer writes and a reader of errors sees. */
    public static final List<String> SPEC_FIELDS = Arrays.stream(JobSpec.class.getRecordComponents()).map(JobCodec::wireName).toList();

    private JobCodec() {
    }

    // Gson reads a field under its @SerializedName when it has one (modeName is "mode" on the wire)
    private static String wireName(RecordComponent c) {
        try {
            SerializedName name = JobSpec.class.getDeclaredField(c.getName()).getAnnotation(SerializedName.class);
            return name == null ? c.getName() : name.value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("a record has a field per component", e);
        }
    }

    public static String specJson(JobSpec spec) {
        return GSON.toJson(spec);
    }

    /** @throws InvalidJobException when the text is not a JSON object of a spec */
    public static JobSpec parseSpec(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidJobException(List.of(new Problem("spec", null, "a job spec is a JSON object")));
        }
        try {
            int depth = depth(json);
            if (depth > MAX_DEPTH) {
                throw new JsonParseException("nested " + depth + " levels deep; at most " + MAX_DEPTH + " are allowed");
            }
            String twice = JsonKeys.duplicate(json);
            if (twice != null) {
                throw new JsonParseException("key '" + twice + "' is given twice; give each key once per object");
            }
            JobSpec spec = GSON.fromJson(json, JobSpec.class);
            if (spec == null) {
                throw new JsonParseException("empty document");
            }
            return spec;
        } catch (WrongValueException e) {
            throw new InvalidJobException(List.of(e.problem()));
        } catch (RuntimeException | StackOverflowError e) {
            // any input a producer or a writer to Redis can make must end as an invalid job, never as a crash
            String reason = e instanceof StackOverflowError ? "nested too deeply" : JsonErrors.describe(e);
            throw new InvalidJobException(List.of(new Problem("spec", json,
                    "a job spec is a JSON object as described in docs/protocol.md (" + reason + ")")));
        }
    }

    // Bracket depth outside strings; malformed text is the parser's to report.
    private static int depth(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    /** A JSON value (object, list, string, number, boolean), as written by {@link #toJson}. */
    public static Object parseValue(String json) {
        return VALUES.fromJson(json, Object.class);
    }

    /** JSON for any value (ansible extra vars), nulls and numbers as they were read. */
    public static String toJson(Object value) {
        return VALUES.toJson(value);
    }
}
