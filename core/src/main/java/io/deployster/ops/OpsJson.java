package io.deployster.ops;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import io.deployster.job.JobStatus;
import java.time.Instant;

/**
 * The JSON form of the operations views (the CLI's --json, the web page): times as ISO-8601 UTC text,
 * statuses by their wire names, absent values as null so every object has the same fields.
 */
public final class OpsJson {
    private static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .serializeNulls()
            .registerTypeAdapter(Instant.class, (JsonSerializer<Instant>) (t, type, c) -> new JsonPrimitive(t.toString()))
            .registerTypeAdapter(JobStatus.class, (JsonSerializer<JobStatus>) (s, type, c) -> new JsonPrimitive(s.wireName()))
            .create();

    private OpsJson() {
    }

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }
}
