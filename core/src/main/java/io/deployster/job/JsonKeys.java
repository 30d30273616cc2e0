package io.deployster.job;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Finds a key given twice in one JSON object. Gson keeps the last value of a repeated key, so
 * {@code {"queue": "a", "queue": "b"}} would run on queue b while a reader of the text sees a; the
 * workflow route's YAML loader refuses repeated keys, and the job routes refuse them through this.
 */
public final class JsonKeys {
    private JsonKeys() {
    }

    /** One open object or list: its keys so far (null for a list), how it is reached from its parent, items so far. */
    private static final class Frame {
        final Set<String> keys;
        final String segment;
        int items;

        Frame(Set<String> keys, String segment) {
            this.keys = keys;
            this.segment = segment;
        }
    }

    /**
     * @return the first repeated key as a dotted path from the top ({@code env.HOME}, list items as
     *         {@code tasks[1].name}), or null when every object has distinct keys or the text is not
     *         valid JSON (the parser reports that)
     */
    public static String duplicate(String json) {
        // iterative, not recursive: the depth of the text is not this walk's limit
        Deque<Frame> open = new ArrayDeque<>();
        String name = null;
        try (JsonReader in = new JsonReader(new StringReader(json))) {
            in.setStrictness(Strictness.STRICT);
            while (true) {
                JsonToken t = in.peek();
                switch (t) {
                    case BEGIN_OBJECT, BEGIN_ARRAY -> {
                        Frame parent = open.peek();
                        String segment = parent == null ? "" : parent.keys != null ? name : "[" + parent.items + "]";
                        if (parent != null) {
                            parent.items++;
                        }
                        if (t == JsonToken.BEGIN_OBJECT) {
                            in.beginObject();
                            open.push(new Frame(new HashSet<>(), segment));
                        } else {
                            in.beginArray();
                            open.push(new Frame(null, segment));
                        }
                    }
                    case END_OBJECT -> {
                        in.endObject();
                        open.pop();
                    }
                    case END_ARRAY -> {
                        in.endArray();
                        open.pop();
                    }
                    case NAME -> {
                        name = in.nextName();
                        if (!open.peek().keys.add(name)) {
                            return path(open, name);
                        }
                    }
                    case END_DOCUMENT -> {
                        return null;
                    }
                    default -> {
                        in.skipValue();
                        if (open.peek() != null) {
                            open.peek().items++;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String path(Deque<Frame> open, String name) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Frame> i = open.descendingIterator(); i.hasNext(); ) {
            Frame f = i.next();
            if (!f.segment.isEmpty() && !f.segment.startsWith("[") && b.length() > 0) {
                b.append('.');
            }
            b.append(f.segment);
        }
        return b.length() == 0 ? name : b + "." + name;
    }
}
