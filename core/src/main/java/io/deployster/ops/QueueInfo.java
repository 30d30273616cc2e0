package io.deployster.ops;

import java.time.Instant;
import java.util.List;

/**
 * A queue stream: the jobs in it are not started yet (an entry is deleted when its job starts or parks).
 *
 * @param depth entries in the stream: jobs not taken yet plus those taken and about to start ({@code pending})
 * @param oldestEntryAt when the oldest entry was added; null when the queue is empty
 * @param consumers alive workers serving the queue
 */
public record QueueInfo(String name, long depth, long pending, Instant oldestEntryAt, List<String> consumers) {
    public QueueInfo {
        consumers = List.copyOf(consumers);
    }
}
