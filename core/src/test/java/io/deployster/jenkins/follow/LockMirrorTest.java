package io.deployster.jenkins.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.log.LogEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockMirrorTest {
    /** Lockable resources of one Jenkins, seen by one build. */
    static class InMemoryResources implements JenkinsResources {
        final Map<String, String> holders = new HashMap<>();
        final String build;

        InMemoryResources(String build) {
            this.build = build;
        }

        InMemoryResources sharing(String otherBuild) {
            InMemoryResources other = new InMemoryResources(otherBuild);
            other.holders.putAll(holders);
            return other;
        }

        @Override
        public synchronized boolean heldByThisBuild(String name) {
            return build.equals(holders.get(name));
        }

        @Override
        public synchronized boolean tryLock(String name) {
            return holders.putIfAbsent(name, build) == null;
        }

        @Override
        public synchronized void unlock(String name) {
            holders.remove(name, build);
        }

        @Override
        public synchronized String holder(String name) {
            return holders.get(name);
        }
    }

    private static LogEntry event(String name) {
        return new LogEntry("1-" + name.length(), Map.of("e", name, "ts", "1"));
    }

    @Test
    void theResourceIsHeldWhileTheJobRuns() {
        InMemoryResources jenkins = new InMemoryResources("shop #1");
        LockMirror mirror = new LockMirror("shop");
        assertEquals("deployster:shop", mirror.resource());
        mirror.onEntry(event("queued"), jenkins);
        assertFalse(mirror.held());
        List<String> notes = mirror.onEntry(event("started"), jenkins);
        assertTrue(mirror.held());
        assertEquals("shop #1", jenkins.holder("deployster:shop"));
        assertTrue(notes.get(0).contains("held by this build"), notes.toString());
        mirror.onEntry(new LogEntry("2-0", Map.of("s", "out", "l", "output", "ts", "1")), jenkins);
        assertTrue(mirror.held());
        mirror.onEntry(event("finished"), jenkins);
        assertFalse(mirror.held());
        assertEquals(null, jenkins.holder("deployster:shop"));
    }

    @Test
    void aResourceHeldElsewhereDoesNotStopTheDeploy() {
        InMemoryResources jenkins = new InMemoryResources("other #3");
        jenkins.tryLock("deployster:shop");
        InMemoryResources mine = jenkins.sharing("shop #1");
        LockMirror mirror = new LockMirror("shop");
        List<String> notes = mirror.onEntry(event("started"), mine);
        assertFalse(mirror.held());
        assertTrue(notes.get(0).contains("held by other #3"), notes.toString());
        assertTrue(notes.get(0).contains("Redis project lock decides"), notes.toString());
        mirror.onEntry(event("finished"), mine);
        assertEquals("other #3", mine.holder("deployster:shop"));
    }

    @Test
    void aResourceThatCannotBeCreatedIsExplained() {
        JenkinsResources noEphemerals = new InMemoryResources("shop #1") {
            @Override
            public synchronized boolean tryLock(String name) {
                return false;
            }
        };
        LockMirror mirror = new LockMirror("shop");
        List<String> notes = mirror.onEntry(event("started"), noEphemerals);
        assertFalse(mirror.held());
        assertTrue(notes.get(0).contains("ephemeral resources may be disabled"), notes.toString());
    }

    @Test
    void aLockStepAroundTheDeployKeepsItsResource() {
        InMemoryResources jenkins = new InMemoryResources("shop #1");
        jenkins.tryLock("deployster:shop");
        LockMirror mirror = new LockMirror("shop");
        List<String> notes = mirror.onEntry(event("started"), jenkins);
        assertTrue(notes.get(0).contains("lock step"), notes.toString());
        mirror.onEntry(event("finished"), jenkins);
        mirror.release(jenkins);
        assertEquals("shop #1", jenkins.holder("deployster:shop"), "the lock step frees it, not the mirror");
    }

    @Test
    void theMirrorStateSurvivesSerialization() throws Exception {
        InMemoryResources jenkins = new InMemoryResources("shop #1");
        LockMirror mirror = new LockMirror("shop");
        mirror.onEntry(event("started"), jenkins);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mirror);
        }
        LockMirror restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (LockMirror) in.readObject();
        }
        assertTrue(restored.held());
        restored.onEntry(event("finished"), jenkins);
        assertEquals(null, jenkins.holder("deployster:shop"));
    }
}
