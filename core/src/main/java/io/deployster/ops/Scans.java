package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

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
        return redis.call(j -> {
            TreeSet<String> names = new TreeSet<>();
            ScanParams params = new ScanParams().match(pattern).count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, params, type);
                page.getResult().forEach(key -> names.add(Keys.tagOf(key)));
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return new ArrayList<>(names);
        });
    }
}
