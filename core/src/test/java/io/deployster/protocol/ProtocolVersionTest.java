package io.deployster.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.testing.RealRedis;
import io.deployster.worker.Worker;
import io.deployster.worker.WorkerOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker records its protocol version on the namespace and refuses one served with another. */
class ProtocolVersionTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private final Keys keys = Keys.defaults();
    private final JobQueue queue = JobQueue.create(redis.client(), keys, QueueSettings.DEFAULT, null);

    @Test
    void theFirstWorkerRecordsItsVersionAndTheNextOfTheSameVersionAgrees() {
        queue.claimProtocol();
        assertEquals("3", redis.client().call(j -> j.get("deployster:protocol")));
        queue.claimProtocol();
    }

    @Test
    void aWorkerRefusesANamespaceRecordedWithAnotherVersionAndSaysWhatToDo() {
        redis.client().run(j -> j.set("deployster:protocol", "2"));
        ProtocolMismatchException e = assertThrows(ProtocolMismatchException.class, queue::claimProtocol);
        assertTrue(e.getMessage().contains("namespace 'deployster' is served with protocol version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("this worker speaks protocol version 3"), e.getMessage());
        assertTrue(e.getMessage().contains("Stop every version 2 worker") && e.getMessage().contains("--namespace"), e.getMessage());
        assertEquals("2", redis.client().call(j -> j.get("deployster:protocol")), "the record is left as it was");
    }

    @Test
    void aNewerNamespaceTellsThisWorkerToUpgrade() {
        redis.client().run(j -> j.set("deployster:protocol", "4"));
        ProtocolMismatchException e = assertThrows(ProtocolMismatchException.class, queue::claimProtocol);
        assertTrue(e.getMessage().contains("version 4") && e.getMessage().contains("Upgrade this worker"), e.getMessage());
    }

    @Test
    void aNamespaceWithVersionTwoKeysButNoRecordCountsAsVersionTwo() {
        redis.client().run(j -> j.set("deployster:fence:shop", "7")); // the version 2 layout: no hash tag
        ProtocolMismatchException e = assertThrows(ProtocolMismatchException.class, queue::claimProtocol);
        assertTrue(e.getMessage().contains("protocol version 2") && e.getMessage().contains("deployster:fence:shop"), e.getMessage());
        assertFalse((boolean) redis.client().call(j -> j.exists("deployster:protocol")), "nothing is recorded for a namespace it refused");
    }

    @Test
    void aWorkerOfAnotherVersionStopsBeforeItJoinsAnyQueue() {
        redis.client().run(j -> j.set("deployster:protocol", "2"));
        try (Worker worker = new Worker(redis.client(), queue, WorkerOptions.defaults(List.of("deploy")).withName("w-new"))) {
            ProtocolMismatchException e = assertThrows(ProtocolMismatchException.class, worker::start);
            assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("version 3"), e.getMessage());
        }
        assertFalse((boolean) redis.client().call(j -> j.exists(keys.queue("deploy"))), "it created no consumer group on the queue");
    }
}
