package io.deployster.workflow;

import io.deployster.job.JobIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The private directory (mode 0700, made once per worker, and again if a job removes or replaces it)
 * holding its jobs' {@code $DEPLOYSTER_OUTPUT} files. Each is named after its job, whose id is unique, so
 * making one is a look at the directory and a create: a temporary file with a random name cost a secure
 * random number per job.
 */
public final class OutputFiles implements AutoCloseable {
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY = PosixFilePermissions.asFileAttribute(PRIVATE);

    private static final String PREFIX = "deployster-outputs-";

    private final Path dir;
    private final UserPrincipal owner;

    private OutputFiles(Path dir) throws IOException {
        this.dir = dir;
        this.owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
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
     * A new empty private file (mode 0600) for job {@code jobId} to write its outputs to; read it with
     * {@link Outputs#readAndDelete}.
     *
     * @throws IllegalArgumentException when {@code jobId} is not a job id ({@link JobIds})
     * @throws IOException when the file cannot be made
     */
    public Path create(String jobId) throws IOException {
        Path file = dir.resolve(JobIds.check(jobId) + ".env"); // an id holds no '/': the file stays in dir
        keepPrivate();
        return Files.createFile(file, PRIVATE_FILE);
    }

    // The directory as it was made, whatever a job did to it: a cleaner of old temporary files or a job may
    // have removed it, put a file or a link (which would lead the files elsewhere) in its place, opened
    // its mode, or given it to another user. One lstat per job.
    private void keepPrivate() throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
            return;
        }
        if (!attributes.isDirectory()) {
            Files.delete(dir); // a file or a link: the link itself, never what it points to
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
        } else if (!attributes.owner().equals(owner)) {
            Outputs.delete(dir); // given to another user, who may have put files of their own in it
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
        } else if (!attributes.permissions().equals(PRIVATE)) {
            Files.setPosixFilePermissions(dir, PRIVATE);
        }
    }

    /** Removes the directory and whatever is left in it. */
    @Override
    public void close() throws IOException {
        Outputs.delete(dir);
    }
}
