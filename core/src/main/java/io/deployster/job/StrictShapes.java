package io.deployster.job;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists and maps of a spec ({@code commands}, {@code env}, the secret maps). Gson's own adapters answer
 * {@code "commands":"echo hi"} with "Expected BEGIN_ARRAY but was STRING", and lose a map's key from
 * the path of a wrong value ({@code $.env.}); these refuse with the field's name, the value and what it takes.
 */
final class StrictShapes implements TypeAdapterFactory {
    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        Class<?> raw = type.getRawType();
        if (List.class.isAssignableFrom(raw)) {
            return list(gson.getDelegateAdapter(this, type), "a list of " + element(type.getType(), 0));
        }
        if (Map.class.isAssignableFrom(raw) && argument(type.getType(), 0) == String.class) {
            Type valueType = argument(type.getType(), 1);
            return (TypeAdapter<T>) map(gson.getDelegateAdapter(this, type), (TypeAdapter<Object>) gson.getAdapter(TypeToken.get(valueType)),
                    "an object of names to " + element(type.getType(), 1));
        }
        return null;
    }

    private static <T> TypeAdapter<T> list(TypeAdapter<T> delegate, String wanted) {
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                delegate.write(out, value);
            }

            @Override
            public T read(JsonReader in) throws IOException {
                JsonToken next = in.peek();
                if (next != JsonToken.BEGIN_ARRAY && next != JsonToken.NULL) {
                    throw WrongValueException.at(in, wanted);
                }
                return delegate.read(in);
            }
        };
    }

    // read here, not by Gson's map adapter: it reads a key as a value, so a wrong value's path ends in "." instead of the key
    private static <T> TypeAdapter<T> map(TypeAdapter<T> delegate, TypeAdapter<Object> values, String wanted) {
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                delegate.write(out, value);
            }

            @Override
            @SuppressWarnings("unchecked")
            public T read(JsonReader in) throws IOException {
                JsonToken next = in.peek();
                if (next == JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                if (next != JsonToken.BEGIN_OBJECT) {
                    throw WrongValueException.at(in, wanted);
                }
                // the given order is kept (.env is written in it) and so are nulls, which the validator names
                Map<String, Object> map = new LinkedHashMap<>();
                in.beginObject();
                while (in.hasNext()) {
                    String key = in.nextName();
                    map.put(key, values.read(in));
                }
                in.endObject();
                return (T) map;
            }
        };
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static String element(Type type, int index) {
        Type t = argument(type, index);
        return t == String.class ? "text" : t == Integer.class ? "whole numbers" : t == Boolean.class ? "true or false" : "values";
    }
}
