package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** SCANs a key pattern in batches (never KEYS: it would block Redis for the workers). */
public final class Scans {
    private Scans() {
    }

    /** Every queue that has a stream, by name. */
    public static List<String> queues(Redis redis, Keys keys) {
        return names(redis, keys.queuePattern(), "stream");
    }

    /** The names inside the keys matching {@code pattern} (each key's hash tag), sorted. */
    static List<String> names(Redis redis, String pattern, String type) {
        TreeSet<String> names = new TreeSet<>();
        redis.scan(pattern, type).forEach(key -> names.add(Keys.tagOf(key)));
        return new ArrayList<>(names);
    }
}
