package io.deployster.job;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * Spec fields take exactly their JSON type: Gson would read {@code "check":"yes"} as false and
 * {@code "project":5} as "5", so a typo would change what a job does instead of refusing it.
 */
final class StrictScalars {
    private StrictScalars() {
    }

    static final TypeAdapter<String> TEXT = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, String value) throws IOException {
            out.value(value);
        }

        @Override
        public String read(JsonReader in) throws IOException {
            return expect(in, JsonToken.STRING, "text") ? in.nextString() : null;
        }
    };

    static final TypeAdapter<Boolean> BOOLEAN = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Boolean value) throws IOException {
            out.value(value);
        }

        @Override
        public Boolean read(JsonReader in) throws IOException {
            return expect(in, JsonToken.BOOLEAN, "true or false") ? in.nextBoolean() : null;
        }
    };

    static final TypeAdapter<Integer> INTEGER = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Integer value) throws IOException {
            out.value(value);
        }

        @Override
        public Integer read(JsonReader in) throws IOException {
            // the field's own range, not Java's: 1.5 or 1e99 in timeoutSeconds is refused as 0 would be
            String wanted = "a whole number; " + JobSpecValidator.wholeNumberRule(WrongValueException.field(in.getPath()));
            if (!expect(in, JsonToken.NUMBER, wanted)) {
                return null;
            }
            String path = in.getPath();
            String text = in.nextString();
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw new WrongValueException(path, text, wanted);
            }
        }
    };

    /** @return false for JSON null (the field is absent); true when the next token is {@code token} */
    private static boolean expect(JsonReader in, JsonToken token, String what) throws IOException {
        JsonToken next = in.peek();
        if (next == JsonToken.NULL) {
            in.nextNull();
            return false;
        }
        if (next != token) {
            throw WrongValueException.at(in, what);
        }
        return true;
    }
}
