package io.deployster.run;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The libc calls a worker needs that Java has no API for: {@code prctl(PR_SET_CHILD_SUBREAPER)},
 * {@code kill(2)} and {@code waitpid(2)} (Linux man-pages prctl(2), kill(2), waitpid(2)), through JNA.
 * Where libc cannot be loaded (JNA missing, another OS) signals fall back to kill(1) and the other
 * calls report that they are unavailable.
 */
public final class Posix {
    /** prctl option that makes the caller the reaper of its orphaned descendants (linux/prctl.h). */
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int WNOHANG = 1;
    private static final int ESRCH = 3;

    /** Signal numbers, the same on every Linux architecture the worker runs on (signal(7)). */
    public enum Signal {
        TERM(15), KILL(9);

        final int number;

        Signal(int number) {
            this.number = number;
        }
    }

    // Direct mapping (as PosixSpawn.LibC): kill(2) is called at every job's end.
    private static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance("c"));
        }

        native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        /** Its errno is read with Native.getLastError(): an exception per "no such group" was a cost of every job's end. */
        native int kill(int pid, int sig);

        native int waitpid(int pid, int[] status, int options);
    }

    private final LibC libc;

    private Posix(LibC libc) {
        this.libc = libc;
    }

    /** libc through JNA when it loads, else the fallbacks. */
    public static Posix load() {
        try {
            return new Posix(new LibC());
        } catch (LinkageError e) {
            return new Posix(null);
        }
    }

    /** True when native calls are available (subreaper, reaping). */
    public boolean nativeCalls() {
        return libc != null;
    }

    /**
     * Makes this process the reaper of its orphaned descendants, so a job's double-forked children stay
     * below the worker instead of moving to init.
     *
     * @return false where the call is unavailable (not Linux 3.4+, or no JNA)
     */
    boolean becomeSubreaper() {
        return libc != null && libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    }

    /**
     * Sends {@code signal} to process {@code pid}, or to process group {@code -pid} when negative.
     *
     * @return false when there is no such process (or group) or it may not be signalled
     */
    boolean kill(long pid, Signal signal) {
        if (libc != null) {
            return libc.kill((int) pid, signal.number) == 0;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), "--", Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * True when process group {@code pgid} has a member (kill(2) with signal 0: it exists, whether or not
     * it may be signalled), or when that cannot be told without native calls.
     */
    boolean groupExists(long pgid) {
        if (libc == null) {
            return true;
        }
        return libc.kill((int) -pgid, 0) == 0 || Native.getLastError() != ESRCH;
    }

    /** Collects the exit status of child {@code pid} if it has ended, without blocking. */
    boolean reap(long pid) {
        return libc != null && libc.waitpid((int) pid, new int[1], WNOHANG) == pid;
    }
}
