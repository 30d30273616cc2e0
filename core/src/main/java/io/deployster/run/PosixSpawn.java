package io.deployster.run;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a process in a session of its own with one exec: posix_spawnp(3) with glibc's
 * {@code POSIX_SPAWN_SETSID} (glibc 2.26), {@code posix_spawn_file_actions_addchdir_np} (2.29) and
 * {@code posix_spawn_file_actions_addclosefrom_np} (2.34). The JDK's launch costs an exec of setsid(1)
 * before the command's own, which doubles the CPU a short command costs the host (docs/benchmarks.md).
 * Where libc lacks one of these calls (another libc, an older glibc, no JNA) {@link #load()} returns
 * null and processes are started through the JDK instead.
 *
 * <p>The child gets stdin from /dev/null, stdout and stderr on two pipes, no other descriptor, an empty
 * signal mask, and the worker's environment (less its own settings, {@link InheritedEnvironment}) plus the
 * given variables.
 */
final class PosixSpawn {
    // glibc's values on Linux (spawn.h, fcntl.h, bits/waitflags.h)
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** Room for glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t (128). */
    private static final int OPAQUE_BYTES = 512;
    private static final byte[] DEV_NULL = Native.toByteArray("/dev/null");

    /**
     * libc through JNA's direct mapping: a call costs a JNI transition, where an interface mapping's
     * proxy converts every argument by reflection (a tenth of a worker's CPU per job under the client
     * compiler). Binding the class binds every call, so it fails at once where one is missing.
     */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance("c"));
        }

        native int posix_spawn_file_actions_init(Pointer actions);

        native int posix_spawn_file_actions_destroy(Pointer actions);

        native int posix_spawn_file_actions_addopen(Pointer actions, int fd, Pointer path, int flags, int mode);

        native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        native int posix_spawn_file_actions_addchdir_np(Pointer actions, Pointer path);

        native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        native int posix_spawnattr_init(Pointer attributes);

        native int posix_spawnattr_setflags(Pointer attributes, short flags);

        native int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

        native int sigemptyset(Pointer set);

        native int posix_spawnp(int[] pid, Pointer file, Pointer actions, Pointer attributes, Pointer argv, Pointer envp);

        native int pipe2(int[] fds, int flags) throws LastErrorException;

        native long read(int fd, byte[] buffer, long count) throws LastErrorException;

        native long read(int fd, Pointer buffer, long count) throws LastErrorException;

        native int poll(Pointer fds, int count, int timeoutMillis) throws LastErrorException;

        native int close(int fd);

        native int kill(int pid, int signal) throws LastErrorException;

        native int waitpid(int pid, int[] status, int options) throws LastErrorException;

        native int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

        native String strerror(int errno);
    }

    private final LibC libc;
    /** The attributes every start shares (posix_spawnp only reads them): a new session, no signal blocked. */
    private final Memory attributes = new Memory(OPAQUE_BYTES);
    /** What a job inherits of this process's environment, as {@code NAME=value} C strings, by name, encoded once. */
    private final Map<String, byte[]> environment = new HashMap<>();

    private PosixSpawn(LibC libc) {
        this.libc = libc;
        int rc;
        try (Memory emptySignalMask = new Memory(OPAQUE_BYTES)) { // setsigmask copies it into the attributes
            rc = firstError(libc.posix_spawnattr_init(attributes), libc.sigemptyset(emptySignalMask),
                    libc.posix_spawnattr_setsigmask(attributes, emptySignalMask),
                    libc.posix_spawnattr_setflags(attributes, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK)));
        }
        if (rc != 0) {
            throw new IllegalStateException("posix_spawnattr: error=" + rc + ", " + libc.strerror(rc));
        }
        InheritedEnvironment.of(System.getenv()).forEach((name, value) -> environment.put(name, Native.toByteArray(name + "=" + value)));
    }

    /** The launcher, or null where libc lacks a call it needs. */
    static PosixSpawn load() {
        try {
            return new PosixSpawn(new LibC()); // binding LibC fails where libc lacks one of its calls
        } catch (LinkageError | IllegalStateException e) {
            return null;
        }
    }

    /**
     * Starts {@code argv} (its first element looked up on PATH when it has no slash) in {@code dir} (null:
     * this process's directory), in a new session whose id is the process's pid.
     *
     * @param extraEnv added to (or replacing in) what a job inherits of this process's environment
     * @throws IOException naming the program and the OS's reason when it cannot be started
     */
    Process start(List<String> argv, File dir, Map<String, String> extraEnv) throws IOException {
        int[] out = pipe();
        int[] err;
        try {
            err = pipe();
        } catch (IOException e) {
            closeAll(out);
            throw e;
        }
        int pid = -1;
        try {
            pid = spawn(argv, dir, extraEnv, out[1], err[1]);
        } finally {
            // the child has its own copies; the parent keeps only the reading ends
            libc.close(out[1]);
            libc.close(err[1]);
            if (pid < 0) {
                libc.close(out[0]);
                libc.close(err[0]);
            }
        }
        return new SpawnedProcess(this, pid, out[0], err[0]);
    }

    // The child's pid. A failure is worded as the JDK words it, so a failed start reads the same either way.
    // Everything the call reads goes in one native block (file actions, argv, envp and their strings):
    // JNA's StringArray allocates and registers for cleaning one block per string, some 40 per start.
    private int spawn(List<String> argv, File dir, Map<String, String> extraEnv, int stdout, int stderr) throws IOException {
        List<byte[]> args = argv.stream().map(Native::toByteArray).toList();
        List<byte[]> env = environment(extraEnv);
        byte[] cd = dir == null ? null : Native.toByteArray(dir.getPath());
        long argvAt = OPAQUE_BYTES;
        long envpAt = argvAt + (long) (args.size() + 1) * Native.POINTER_SIZE;
        long stringsAt = envpAt + (long) (env.size() + 1) * Native.POINTER_SIZE;
        long size = stringsAt + length(args) + length(env) + DEV_NULL.length + (cd == null ? 0 : cd.length);
        try (Memory block = new Memory(size)) {
            long at = table(block, envpAt, env, table(block, argvAt, args, stringsAt));
            Pointer devNull = string(block, at, DEV_NULL);
            Pointer directory = cd == null ? null : string(block, at + DEV_NULL.length, cd);
            Pointer actions = block.share(0, OPAQUE_BYTES);
            libc.posix_spawn_file_actions_init(actions);
            try {
                int[] pid = new int[1];
                int rc = firstError(
                        libc.posix_spawn_file_actions_addopen(actions, 0, devNull, O_RDONLY, 0),
                        libc.posix_spawn_file_actions_adddup2(actions, stdout, 1),
                        libc.posix_spawn_file_actions_adddup2(actions, stderr, 2),
                        directory == null ? 0 : libc.posix_spawn_file_actions_addchdir_np(actions, directory),
                        libc.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                if (rc == 0) {
                    rc = libc.posix_spawnp(pid, block.getPointer(argvAt), actions, attributes, block.share(argvAt), block.share(envpAt));
                }
                if (rc != 0) {
                    throw new IOException("Cannot run program \"" + argv.get(0) + "\" (in directory \"" + dir + "\"): error="
                            + rc + ", " + libc.strerror(rc));
                }
                return pid[0];
            } finally {
                libc.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    // Writes the strings from offset at, and their addresses (then NULL) into the table at offset table;
    // returns the offset after the last string.
    private static long table(Memory block, long table, List<byte[]> strings, long at) {
        for (int i = 0; i < strings.size(); i++) {
            block.setPointer(table + (long) i * Native.POINTER_SIZE, string(block, at, strings.get(i)));
            at += strings.get(i).length;
        }
        block.setPointer(table + (long) strings.size() * Native.POINTER_SIZE, null);
        return at;
    }

    private static long length(List<byte[]> strings) {
        long length = 0;
        for (byte[] string : strings) {
            length += string.length;
        }
        return length;
    }

    private static Pointer string(Memory block, long at, byte[] string) {
        block.write(at, string, 0, string.length);
        return block.share(at);
    }

    private static int firstError(int... codes) {
        for (int code : codes) {
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }

    LibC libc() {
        return libc;
    }

    private int[] pipe() throws IOException {
        int[] fds = new int[2];
        try {
            libc.pipe2(fds, O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot make a pipe for a process's output: " + libc.strerror(e.getErrorCode())
                    + " (too many open files? check the worker's ulimit -n)", e);
        }
        return fds;
    }

    private void closeAll(int[] fds) {
        for (int fd : fds) {
            libc.close(fd);
        }
    }

    // The inherited environment with extraEnv added or replacing, as C strings.
    private List<byte[]> environment(Map<String, String> extraEnv) {
        List<byte[]> entries = new ArrayList<>(environment.size() + extraEnv.size());
        environment.forEach((name, entry) -> {
            if (!extraEnv.containsKey(name)) {
                entries.add(entry);
            }
        });
        extraEnv.forEach((name, value) -> entries.add(Native.toByteArray(name + "=" + value)));
        return entries;
    }
}
