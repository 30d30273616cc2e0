package io.deployster.bench;

import io.deployster.redis.Redis;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used so far (user plus system) by the parts of a worker's work that share the machine:
 * a JVM (a worker process, or this one), the child processes it has reaped (the jobs' commands:
 * /proc/PID/stat's cutime and cstime count a child once it has been waited for), and Redis (INFO cpu).
 * Two samples' difference is what a stretch of work cost each of them.
 *
 * @param jvm the process's own threads
 * @param reapedChildren its children that have ended and been waited for, with their own children
 * @param redis the Redis server's main and background threads
 * @param jvmContextSwitches voluntary and involuntary context switches of the JVM's live threads (each
 *     thread's /proc/PID/task/TID/status): mostly one thread handing work to another and waiting
 */
record CpuTimes(double jvm, double reapedChildren, double redis, long jvmContextSwitches) {

    /** This JVM's figures and Redis'. */
    static CpuTimes take(Redis redis, double ticksPerSecond) throws IOException {
        return take(ProcessHandle.current().pid(), redis, ticksPerSecond);
    }

    /** Process {@code pid}'s figures (a JVM of this host) and Redis'. */
    static CpuTimes take(long pid, Redis redis, double ticksPerSecond) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        String stat = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
        // the command name (field 2) may hold spaces; the fields after it are counted from the ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        double jvm = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticksPerSecond; // utime, stime
        double children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / ticksPerSecond; // cutime, cstime
        return new CpuTimes(jvm, children, redisCpuSeconds(redis), contextSwitches(proc));
    }

    private static long contextSwitches(Path proc) throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.US_ASCII)) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /** Redis' own CPU time so far (user + system), from INFO cpu. */
    static double redisCpuSeconds(Redis redis) {
        double sum = 0;
        for (String line : redis.call(jedis -> jedis.info("cpu")).split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return sum;
    }

    CpuTimes minus(CpuTimes earlier) {
        return new CpuTimes(jvm - earlier.jvm, reapedChildren - earlier.reapedChildren, redis - earlier.redis,
                jvmContextSwitches - earlier.jvmContextSwitches);
    }
}
