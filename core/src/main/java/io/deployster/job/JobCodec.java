package io.deployster.job;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import java.util.List;

/** JSON form of a spec: the one wire format every producer and worker share. */
public final class JobCodec {
    // Integers in extra vars stay integers (Gson's default would turn 1 into 1.0).
    private static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .create();

    private JobCodec() {
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
            JobSpec spec = GSON.fromJson(json, JobSpec.class);
            if (spec == null) {
                throw new JsonParseException("empty document");
            }
            return spec;
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InvalidJobException(List.of(new Problem("spec", json,
                    "a job spec is a JSON object as described in docs/protocol.md (" + reason + ")")));
        }
    }

    /** A JSON value (object, list, string, number, boolean), as written by {@link #toJson}. */
    public static Object parseValue(String json) {
        return GSON.fromJson(json, Object.class);
    }

    /** JSON for any value (ansible extra vars). */
    public static String toJson(Object value) {
        return GSON.toJson(value);
    }
}
