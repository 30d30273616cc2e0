package io.deployster.gateway;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.deployster.job.JsonErrors;
import io.deployster.job.JsonKeys;

/** The gateway's JSON: Gson, as everywhere in the project; nulls are written, HTML is not escaped. */
final class Json {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    static String write(Object value) {
        return GSON.toJson(value);
    }

    /** @throws ApiError 400 naming the body when it is not one JSON object */
    static JsonObject object(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw ApiError.of(400, "body", shorten(text), "one JSON object", "the request body is not a JSON object");
            }
            String twice = JsonKeys.duplicate(text);
            if (twice != null) {
                // Gson keeps the last value silently; the workflow route's loader refuses a repeated key too
                throw ApiError.of(400, twice, shorten(text), "each key once per object", "key '" + twice + "' is given twice");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            String why = JsonErrors.describe(e);
            throw ApiError.of(400, "body", shorten(text), "one JSON object", "the request body is " + (why.startsWith("not valid JSON") ? why
                    : "not valid JSON: " + why));
        }
    }

    static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
