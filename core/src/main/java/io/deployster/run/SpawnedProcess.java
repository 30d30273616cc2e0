package io.deployster.run;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.deployster.log.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process {@link PosixSpawn} started: its exit status is collected with waitpid(2) by the thread that
 * waits for it (the JDK would hand that to a reaper thread of its own), and its output is read from the
 * pipes' descriptors with read(2).
 */
final class SpawnedProcess extends Process {
    // Linux values (bits/waitflags.h, bits/waitstatus.h, errno.h)
    private static final int P_PID = 1;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int EINTR = 4;
    private static final int ECHILD = 10;
    /** siginfo_t is 128 bytes; si_pid sits at byte 16 on 64-bit Linux (bits/types/siginfo_t.h). */
    private static final int SIGINFO_BYTES = 128;
    private static final int SI_PID_OFFSET = 16;
    private static final long POLL_MILLIS = 10;
    // poll.h: struct pollfd is {int fd; short events; short revents}
    private static final int POLLFD_BYTES = 8;
    private static final int REVENTS_OFFSET = 6;
    private static final short POLLIN = 0x1;
    /** While output is read, how often to look whether the process itself is still there. */
    private static final long ALIVE_CHECK_MILLIS = 100;
    private static final int READ_BYTES = 16 * 1024;

    private final PosixSpawn.LibC libc;
    private final int pid;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final Object reaping = new Object();
    private volatile Integer exitValue;

    SpawnedProcess(PosixSpawn spawn, int pid, int stdoutFd, int stderrFd) {
        this.libc = spawn.libc();
        this.pid = pid;
        this.stdout = new PipeInputStream(libc, stdoutFd);
        this.stderr = new PipeInputStream(libc, stderrFd);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream(); // stdin is /dev/null
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    /** A stream {@link #readOutput} left open, and the splitter its bytes go to. */
    record Unread(InputStream in, LineReader.Splitter lines) {
    }

    /**
     * Reads stdout into {@code out} and stderr into {@code err} on the calling thread, waiting on both
     * pipes at once with poll(2): no thread per stream, and no hand-off of each chunk. Returns once both
     * streams ended, or, when something the process left behind still holds a pipe open, {@code
     * drainMillis} after the process itself exited. A stream ended here is closed and its splitter
     * ended (as when reading it fails: the process's output is lost either way); one still open is
     * returned, for the caller to read on.
     */
    List<Unread> readOutput(LineReader.Splitter out, LineReader.Splitter err, long drainMillis) {
        PipeInputStream[] streams = {stdout, stderr};
        int[] fds = {stdout.fd, stderr.fd};
        LineReader.Splitter[] splitters = {out, err};
        boolean[] open = {true, true};
        byte[] chunk = new byte[READ_BYTES];
        long drainEnd = Long.MAX_VALUE;
        long nextAliveCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ALIVE_CHECK_MILLIS);
        try (Memory memory = new Memory(2L * POLLFD_BYTES + READ_BYTES)) {
            Pointer buffer = memory.share(2L * POLLFD_BYTES);
            while (open[0] || open[1]) {
                long now = System.nanoTime();
                if (drainEnd == Long.MAX_VALUE && now >= nextAliveCheck) {
                    nextAliveCheck = now + TimeUnit.MILLISECONDS.toNanos(ALIVE_CHECK_MILLIS);
                    if (!isAlive()) {
                        drainEnd = now + TimeUnit.MILLISECONDS.toNanos(drainMillis);
                    }
                }
                if (now >= drainEnd) {
                    break;
                }
                for (int i = 0; i < 2; i++) {
                    // poll(2) skips an entry whose descriptor is negative
                    memory.setInt((long) i * POLLFD_BYTES, open[i] ? fds[i] : -1);
                    memory.setShort((long) i * POLLFD_BYTES + 4, POLLIN);
                    memory.setShort((long) i * POLLFD_BYTES + REVENTS_OFFSET, (short) 0);
                }
                // draining, only the drain's end is waited for (the alive check is done with)
                long wait = (drainEnd == Long.MAX_VALUE ? nextAliveCheck : drainEnd) - now;
                int ready = poll(memory, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                if (ready < 0) {
                    break; // the caller reads on with a thread per stream
                }
                for (int i = 0; i < 2; i++) {
                    if (!open[i] || memory.getShort((long) i * POLLFD_BYTES + REVENTS_OFFSET) == 0) {
                        continue;
                    }
                    long n = read(fds[i], buffer);
                    if (n > 0) {
                        buffer.read(0, chunk, 0, (int) n);
                        splitters[i].chunk(chunk, (int) n);
                    } else {
                        open[i] = false;
                        streams[i].close();
                        splitters[i].end();
                    }
                }
            }
        }
        List<Unread> unread = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            if (open[i]) {
                unread.add(new Unread(streams[i], splitters[i]));
            }
        }
        return unread;
    }

    // Descriptors ready; 0 when interrupted by a signal, -1 when poll(2) failed otherwise (EINVAL, ENOMEM).
    private int poll(Pointer fds, int timeoutMillis) {
        try {
            return libc.poll(fds, 2, timeoutMillis);
        } catch (LastErrorException e) {
            return e.getErrorCode() == EINTR ? 0 : -1;
        }
    }

    // Bytes read; 0 at the stream's end or when it cannot be read.
    private long read(int fd, Pointer buffer) {
        while (true) {
            try {
                return libc.read(fd, buffer, READ_BYTES);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    return 0;
                }
            }
        }
    }

    /**
     * Blocks in waitpid(2) until the process ends, and collects it. Not interruptible: a worker ends a
     * job by ending its processes, which ends this wait.
     *
     * @return the exit code, or 128 + the signal's number when a signal ended it (as the JDK reports it)
     */
    @Override
    public int waitFor() {
        synchronized (reaping) {
            while (exitValue == null) {
                int[] status = new int[1];
                try {
                    if (libc.waitpid(pid, status, 0) == pid) {
                        exitValue = decode(status[0]);
                    }
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == ECHILD) {
                        // collected elsewhere (the subreaper's sweep of long-dead children): the status is gone
                        exitValue = 255;
                    } else if (e.getErrorCode() != EINTR) {
                        throw new IllegalStateException("waitpid(" + pid + ") failed: " + libc.strerror(e.getErrorCode()), e);
                    }
                }
            }
            return exitValue;
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (isAlive()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        waitFor();
        return true;
    }

    @Override
    public int exitValue() {
        Integer value = exitValue;
        if (value == null) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return value;
    }

    /** True until the process ended; asks with waitid(2) and WNOWAIT, which leaves a dead one for {@link #waitFor()}. */
    @Override
    public boolean isAlive() {
        if (exitValue != null) {
            return false;
        }
        try (Memory info = new Memory(SIGINFO_BYTES)) {
            info.clear();
            libc.waitid(P_PID, pid, info, WEXITED | WNOHANG | WNOWAIT);
            return info.getInt(SI_PID_OFFSET) == 0;
        } catch (LastErrorException e) {
            return e.getErrorCode() == EINTR; // ECHILD: already collected
        }
    }

    @Override
    public void destroy() {
        signal(Posix.Signal.TERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Posix.Signal.KILL);
        return this;
    }

    private void signal(Posix.Signal signal) {
        if (exitValue == null) {
            try {
                libc.kill(pid, signal.number);
            } catch (LastErrorException e) {
                // gone already
            }
        }
    }

    private static int decode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 0x80 + signal;
    }

    /**
     * The reading end of a pipe, read with read(2). Closed by its reader, or, when nobody closes it, once
     * the stream is unreachable, so that a forgotten stream never costs the worker a descriptor for good.
     */
    private static final class PipeInputStream extends InputStream {
        private static final Cleaner CLEANER = Cleaner.create();

        private final PosixSpawn.LibC libc;
        private final int fd;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Cleaner.Cleanable closer;

        PipeInputStream(PosixSpawn.LibC libc, int fd) {
            this.libc = libc;
            this.fd = fd;
            AtomicBoolean done = closed;
            this.closer = CLEANER.register(this, () -> {
                if (done.compareAndSet(false, true)) {
                    libc.close(fd);
                }
            });
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            byte[] target = offset == 0 ? buffer : new byte[length];
            long n;
            while (true) {
                if (closed.get()) {
                    throw new IOException("stream closed");
                }
                try {
                    n = libc.read(fd, target, Math.min(length, target.length));
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw new IOException("read from process output failed: " + libc.strerror(e.getErrorCode()), e);
                    }
                }
            }
            if (n <= 0) {
                return -1;
            }
            if (target != buffer) {
                System.arraycopy(target, 0, buffer, offset, (int) n);
            }
            return (int) n;
        }

        @Override
        public void close() {
            closer.clean();
        }
    }
}
