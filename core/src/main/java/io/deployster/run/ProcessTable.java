package io.deployster.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One snapshot of this host's processes, read from {@code /proc/PID/stat} (Linux proc(5)). Processes
 * that end while it is read are left out.
 */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");
    private static final long EXEC_MILLIS = 100;
    private static final int ENVIRON_READ = 128 * 1024;
    private static final int SETTLED_READS = 2;

    /**
     * One process: ids from proc(5) fields 1 and 4-6, state (field 3: 'Z' is a zombie, already dead),
     * start time (field 22, clock ticks after boot; tells a reused pid apart) and the command name.
     */
    record Proc(long pid, long ppid, long pgrp, long session, char state, long startTime, String name) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        @Override
        public String toString() {
            return pid + " (" + name + ")";
        }
    }

    private final Map<Long, Proc> byPid;

    private ProcessTable(Map<Long, Proc> byPid) {
        this.byPid = byPid;
    }

    static ProcessTable read() {
        Map<Long, Proc> procs = new HashMap<>(512);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    Proc p = parse(dir.resolve("stat"));
                    if (p != null) {
                        procs.put(p.pid(), p);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC + " (the worker needs Linux procfs): " + e.getMessage(), e);
        }
        return new ProcessTable(procs);
    }

    /** The given processes that are still there (a zombie is there until reaped). */
    static Collection<Proc> read(Collection<Long> pids) {
        Map<Long, Proc> procs = new HashMap<>();
        for (long pid : pids) {
            Proc p = parse(PROC.resolve(Long.toString(pid)).resolve("stat"));
            if (p != null) {
                procs.put(p.pid(), p);
            }
        }
        return procs.values();
    }

    Collection<Proc> all() {
        return byPid.values();
    }

    Proc get(long pid) {
        return byPid.get(pid);
    }

    private static Proc parse(Path stat) {
        String text;
        try {
            text = Files.readString(stat, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null; // ended meanwhile
        }
        // the command name (field 2) may hold spaces and parentheses: it ends at the last ')'
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String[] f = text.substring(close + 2).split(" ");
        if (f.length < 20) {
            return null;
        }
        return new Proc(Long.parseLong(text.substring(0, open).trim()), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[3]), f[0].charAt(0), Long.parseLong(f[19]), text.substring(open + 1, close));
    }

    /**
     * True when process {@code pid}'s environment holds exactly {@code entry} ("NAME=value"). False when
     * it does not, has ended, or belongs to a user whose environment this process may not read.
     * A process in the middle of an exec shows an empty environment, or none ("No such process"), for a
     * moment (its new image's is not set up yet: 9 % of reads during a chain of execs here), or the part
     * read before the exec. So the environment is read in one go, and an empty one counts only when the
     * image was the same before and after two reads 1 ms apart (up to {@value #EXEC_MILLIS} ms): a process
     * that dropped its environment (env -i) costs about 2 ms.
     */
    static boolean environmentHas(long pid, String entry) {
        Path dir = PROC.resolve(Long.toString(pid));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXEC_MILLIS);
        int settled = 0;
        Long before = null; // the first read needs no look at the image: most environments are not empty
        while (true) {
            byte[] env;
            try {
                env = readAtOnce(dir.resolve("environ"));
            } catch (AccessDeniedException e) {
                return false; // another user's
            } catch (IOException e) {
                env = new byte[0]; // gone, or "No such process" while it execs
            }
            if (env.length > 0) {
                return holds(env, entry.getBytes(StandardCharsets.UTF_8));
            }
            Long after = envStart(dir.resolve("stat"));
            // Empty counts when the same image, set up, was there before and after the read, twice: an
            // exec in between moves env_start (address space layout randomisation), or shows it 0.
            if (after == null || before != null && before != 0 && before.equals(after) && ++settled == SETTLED_READS
                    || System.nanoTime() > deadline) {
                return false;
            }
            before = after;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true; // unknown: a job's process counted as alive is waited for, never let go
            }
        }
    }

    // proc(5) field 50, env_start: the address of the image's environment, 0 while an exec sets the
    // image up. Null when the process is gone or a zombie; 1 on a kernel that does not show it (before 3.5).
    private static Long envStart(Path stat) {
        String text;
        try {
            text = Files.readString(stat, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        if (f[0].equals("Z") || f[0].equals("X")) {
            return null;
        }
        return f.length > 48 ? (f[48].equals("0") ? 0L : Long.parseLong(f[47])) : 1L;
    }

    // In one read(2) where it fits: a read that an exec interrupts ends early, as if the file ended there,
    // and a second read would return what the first left out of the old image, or nothing.
    private static byte[] readAtOnce(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] first = new byte[ENVIRON_READ];
            int n = Math.max(0, in.read(first));
            if (n < first.length) {
                return Arrays.copyOf(first, n);
            }
            byte[] rest = in.readAllBytes();
            byte[] all = Arrays.copyOf(first, n + rest.length);
            System.arraycopy(rest, 0, all, n, rest.length);
            return all;
        }
    }

    private static boolean holds(byte[] env, byte[] want) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == want.length && Arrays.equals(env, start, i, want, 0, want.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
