package io.deployster.ops;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A worker as its last heartbeat described it.
 *
 * @param alive its liveness key has not expired: it sent a heartbeat within its lost-after time
 * @param running jobs running on it now (their ids, from the running set)
 * @param busy slots in use when it last sent a heartbeat (a dead worker: its jobs not yet ended lost); {@code slots} its concurrency
 * @param lastHeartbeat null for a worker of a version that did not send its time
 */
public record WorkerInfo(String name, boolean alive, List<String> queues, int busy, int slots, List<String> running,
                         Instant lastHeartbeat) {

    public WorkerInfo {
        queues = List.copyOf(queues);
        running = List.copyOf(running);
    }

    /** The heartbeat text a worker writes (docs/protocol.md): {@code queues=a,b running=1/4 at=EPOCH_MS}. */
    public static String describe(List<String> queues, int busy, int slots, long nowMillis) {
        return "queues=" + String.join(",", queues) + " running=" + busy + "/" + slots + " at=" + nowMillis;
    }

    /** Reads {@link #describe} text; parts it does not know (a newer worker's) are skipped. */
    static WorkerInfo parse(String name, String description, boolean alive, List<String> running) {
        List<String> queues = List.of();
        int busy = 0;
        int slots = 0;
        Instant at = null;
        for (String part : description.split(" ")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            try {
                switch (key) {
                    case "queues" -> queues = value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
                    case "running" -> {
                        String[] load = value.split("/");
                        busy = Integer.parseInt(load[0]);
                        slots = Integer.parseInt(load[1]);
                    }
                    case "at" -> at = Instant.ofEpochMilli(Long.parseLong(value));
                    default -> { }
                }
            } catch (RuntimeException malformed) {
                // a description this reader cannot read shows as unknown values, not as an error
            }
        }
        // a dead worker's last heartbeat counts jobs since ended lost: what it still holds is what the running set names
        return new WorkerInfo(name, alive, queues, alive ? busy : running.size(), slots, running, at);
    }
}
