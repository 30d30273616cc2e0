package io.deployster.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The clock of /proc/uptime (proc(5): seconds since boot with two decimals, counting time the machine
 * was suspended), which a shell can read with builtins only, as seen from this JVM's
 * {@code System.nanoTime()}: the lease gate and the lease watchdog compare against deadlines in it.
 * The offset between the two clocks is measured once, at /proc/uptime's 1/100 s resolution and rounded
 * down; a suspend only moves the boot clock ahead. Both errors put a deadline early, never late.
 */
final class BootClock {
    private static final Path UPTIME = Path.of("/proc/uptime");
    private static final long CENTIS = TimeUnit.MILLISECONDS.toNanos(10);

    /** /proc/uptime minus System.nanoTime(), in ns. */
    private final long uptimeMinusNanoTime;

    private BootClock(long uptimeMinusNanoTime) {
        this.uptimeMinusNanoTime = uptimeMinusNanoTime;
    }

    /** @throws IOException when /proc/uptime cannot be read (not Linux) */
    static BootClock measure() throws IOException {
        long before = System.nanoTime();
        String text = Files.readString(UPTIME);
        try {
            return new BootClock(uptimeNanos(text) - before);
        } catch (RuntimeException e) {
            throw new IOException("/proc/uptime reads '" + text.trim() + "', not 'SECONDS.CC IDLE'", e);
        }
    }

    /** {@code nanoTime} (a System.nanoTime() value) on the boot clock, in 1/100 s, rounded down. */
    long centis(long nanoTime) {
        return Math.floorDiv(nanoTime + uptimeMinusNanoTime, CENTIS);
    }

    // "SECONDS.CC IDLE" (proc(5)): seconds since boot with two decimals
    static long uptimeNanos(String procUptime) {
        String up = procUptime.trim().split("\\s+")[0];
        int dot = up.indexOf('.');
        return (Long.parseLong(up.substring(0, dot)) * 100 + Long.parseLong(up.substring(dot + 1))) * CENTIS;
    }
}
