package io.deployster.ops;

import java.util.List;

/**
 * A project's deploy lock and the jobs waiting for it.
 *
 * @param lockHolder id of the job holding the lock; null when it is free
 * @param lockExpiresInMillis time left of the holder's lease (renewed while it runs); null when free
 * @param fencingToken number of the latest lock grant (0: never granted)
 * @param waiting ids of its jobs not started yet, in the order they will start (at most the first 1,000)
 * @param waitingCount how many jobs are not started yet
 */
public record ProjectInfo(String name, String lockHolder, Long lockExpiresInMillis, long fencingToken, List<String> waiting,
                          long waitingCount) {
    public ProjectInfo {
        waiting = List.copyOf(waiting);
    }
}
