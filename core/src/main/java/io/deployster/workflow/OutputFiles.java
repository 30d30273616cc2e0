package io.deployster.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The private directory (mode 0700, made once per worker, and again if a job removes or replaces it)
 * holding its jobs' {@code $DEPLOYSTER_OUTPUT} files. A file a job gave back as it got it (empty, mode
 * 0600, one link, a regular file) goes to the next job: on ext4 making and removing a file per job cost
 * about 65 µs of CPU (allocating an inode), looking at one about 3 (bench job-throughput). A file is
 * given back only once every process of its job is gone, so no job writes to another's.
 */
public final class OutputFiles implements AutoCloseable {
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY = PosixFilePermissions.asFileAttribute(PRIVATE);

    private static final String PREFIX = "deployster-outputs-";

    private final Path dir;
    private final Deque<Path> spare = new ConcurrentLinkedDeque<>();
    private final AtomicLong made = new AtomicLong();

    private OutputFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes this worker's directory in the temporary directory (java.io.tmpdir), named after the process
     * ({@code deployster-outputs-PID-…}), and removes those left by workers of this host that were killed
     * before they could remove their own (their process is gone).
     *
     * @throws IOException when no directory can be made there
     */
    public static OutputFiles create() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(OutputFiles::leftByDeadWorker).forEach(left -> {
                try {
                    new OutputFiles(left).close();
                } catch (IOException e) {
                    // another user's, or in use after all: not ours to force
                }
            });
        }
        return new OutputFiles(Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-", PRIVATE_DIRECTORY));
    }

    private static boolean leftByDeadWorker(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
            return false;
        }
        int dash = name.indexOf('-', PREFIX.length());
        if (dash < 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(name.substring(PREFIX.length(), dash));
            return ProcessHandle.of(pid).isEmpty(); // whatever it is now: a job may have put a file or a link there
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * An empty private file (mode 0600) for a job to write its outputs to; read it with {@link #readAndGiveBack}.
     *
     * @throws IOException when no file can be made
     */
    public Path take() throws IOException {
        if (keepPrivate()) {
            spare.clear(); // the directory is new: its files went with the old one
        }
        for (Path file = spare.poll(); file != null; file = spare.poll()) {
            if (asMade(file)) {
                return file;
            }
            Outputs.delete(file); // a job that still ran here could not have touched it: yet it was changed
        }
        return Files.createFile(dir.resolve("job-" + made.incrementAndGet() + ".env"), PRIVATE_FILE);
    }

    /**
     * What the job wrote to {@code file} (from {@link #take}); the file is kept for the next job if the job
     * left it as it got it, and removed otherwise. Call once every process of the job is gone.
     *
     * @throws IOException when it cannot be read or removed
     */
    public Outputs.Read readAndGiveBack(Path file) throws IOException {
        Outputs.Read read;
        try {
            read = Outputs.read(file);
        } catch (IOException | RuntimeException e) {
            Outputs.delete(file);
            throw e;
        }
        if (asMade(file)) {
            spare.push(file);
        } else {
            Outputs.delete(file);
        }
        return read;
    }

    // Empty, private, a regular file of its own (a hard link elsewhere would let a later job's outputs out).
    private static boolean asMade(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:size,mode,nlink,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            return Boolean.TRUE.equals(a.get("isRegularFile")) && ((Long) a.get("size")) == 0 && ((Integer) a.get("nlink")) == 1
                    && (((Integer) a.get("mode")) & 07777) == 0600;
        } catch (IOException e) {
            return false;
        }
    }

    // The directory as it was made, whatever a job did to it: a cleaner of old temporary files or a job may
    // have removed it, put a file or a link (which would lead the files elsewhere) in its place, or opened
    // its mode. One lstat per job. Returns true when the directory was made again.
    private boolean keepPrivate() throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
            return true;
        }
        if (!attributes.isDirectory()) {
            Files.delete(dir); // a file or a link: the link itself, never what it points to
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
            return true;
        }
        if (!attributes.permissions().equals(PRIVATE)) {
            Files.setPosixFilePermissions(dir, PRIVATE);
        }
        return false;
    }

    /** Removes the directory and whatever is left in it. */
    @Override
    public void close() throws IOException {
        Outputs.delete(dir);
    }
}
