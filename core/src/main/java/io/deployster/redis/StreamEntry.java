package io.deployster.redis;

import java.util.Map;

/**
 * One entry of a Redis stream, as the Redis layer hands it out.
 *
 * @param id where it is in the stream
 * @param fields its fields and values (immutable)
 */
public record StreamEntry(StreamId id, Map<String, String> fields) {
    public StreamEntry {
        fields = Map.copyOf(fields);
    }
}
