package io.deployster.log;

/** Told what a {@link LogWriter} shipped and dropped, for metrics. Called on the writer's shipping thread: keep it quick. */
public interface LogShipping {
    LogShipping NONE = new LogShipping() {
    };

    /** @param lineLatencyMillis per output line shipped: from its read on the worker to its write acknowledged by Redis */
    default void shipped(long[] lineLatencyMillis) {
    }

    /** Output lines dropped because Redis could not be reached and the buffer was full. */
    default void dropped(long lines) {
    }
}
