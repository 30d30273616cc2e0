package io.deployster.job;

import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.Map;

/**
 * The spec's {@code extraVars}: JSON in, the same JSON out, nulls included (the rest of a spec leaves
 * absent fields out, but a null extra var is a value the play can test for).
 */
public final class ExtraVarsAdapter extends TypeAdapter<Map<String, Object>> {
    @Override
    public void write(JsonWriter out, Map<String, Object> value) throws IOException {
        JobCodec.VALUES.toJson(value, Map.class, out);
    }

    @Override
    public Map<String, Object> read(JsonReader in) throws IOException {
        JsonToken next = in.peek();
        if (next != JsonToken.BEGIN_OBJECT && next != JsonToken.NULL) {
            throw WrongValueException.at(in, "an object of Ansible variables");
        }
        return JobCodec.VALUES.fromJson(in, new TypeToken<Map<String, Object>>() { });
    }
}
