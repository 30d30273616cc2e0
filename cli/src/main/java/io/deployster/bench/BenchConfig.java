package io.deployster.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much each scenario does. {@link #fullRun()} has the counts of issue 7; {@link #smokeRun()} tiny ones
 * that prove every scenario still runs, in seconds, for CI. Warm-up rounds are run and not counted.
 */
record BenchConfig(
        boolean smoke,
        int pings, int pingWarmup,
        int submitJobs, int submitWarmup,
        int handoffs, int handoffWarmup, double handoffHoldSeconds,
        int logLatencyLines, double logWarmupSeconds, int logRate,
        int logThroughputLines, int followers,
        List<Integer> throughputConcurrency, List<Integer> throughputJobs, int throughputWarmup,
        int idleSeconds, double settleSeconds, int memoryJobs,
        int scaleJobs, int scaleProjects, int scaleConcurrency,
        Duration batchTimeout,
        String tunedJavaOptions) {

    /** JVM flags of the second footprint run: what a small deploy host would give its worker. */
    static final String TUNED_JAVA_OPTIONS = "-XX:+UseSerialGC -Xms8m -Xmx96m -XX:TieredStopAtLevel=1";

    static BenchConfig fullRun() {
        return new BenchConfig(false,
                20_000, 2_000,
                2_000, 100,
                500, 25, 0.02,
                100_000, 3.0, 10_000,
                200_000, 50,
                List.of(1, 4, 16), List.of(1_000, 2_000, 4_000), 2_000,
                30, 3, 2_000,
                10_000, 1_000, 16,
                Duration.ofMinutes(15),
                TUNED_JAVA_OPTIONS);
    }

    static BenchConfig smokeRun() {
        return new BenchConfig(true,
                300, 50,
                20, 5,
                8, 2, 0.02,
                1_000, 0.1, 5_000,
                2_000, 50,
                List.of(1, 4, 16), List.of(10, 20, 40), 5,
                1, 0.5, 20,
                200, 20, 16,
                Duration.ofMinutes(2),
                TUNED_JAVA_OPTIONS);
    }

    BenchConfig withIdleSeconds(int seconds) {
        return new BenchConfig(smoke, pings, pingWarmup, submitJobs, submitWarmup, handoffs, handoffWarmup, handoffHoldSeconds,
                logLatencyLines, logWarmupSeconds, logRate, logThroughputLines, followers, throughputConcurrency, throughputJobs,
                throughputWarmup, seconds, settleSeconds, memoryJobs, scaleJobs, scaleProjects, scaleConcurrency, batchTimeout,
                tunedJavaOptions);
    }

    BenchConfig withLogRate(int rate) {
        return new BenchConfig(smoke, pings, pingWarmup, submitJobs, submitWarmup, handoffs, handoffWarmup, handoffHoldSeconds,
                logLatencyLines, logWarmupSeconds, rate, logThroughputLines, followers, throughputConcurrency, throughputJobs,
                throughputWarmup, idleSeconds, settleSeconds, memoryJobs, scaleJobs, scaleProjects, scaleConcurrency, batchTimeout,
                tunedJavaOptions);
    }

    BenchConfig withTunedJavaOptions(String options) {
        return new BenchConfig(smoke, pings, pingWarmup, submitJobs, submitWarmup, handoffs, handoffWarmup, handoffHoldSeconds,
                logLatencyLines, logWarmupSeconds, logRate, logThroughputLines, followers, throughputConcurrency, throughputJobs,
                throughputWarmup, idleSeconds, settleSeconds, memoryJobs, scaleJobs, scaleProjects, scaleConcurrency, batchTimeout,
                options);
    }
}
