package io.deployster.workflow;

import io.deployster.job.JobIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The private directory (mode 0700, made once per worker) holding its jobs' {@code $DEPLOYSTER_OUTPUT}
 * files. Each file is named after its job, whose id is unique, so making one is a single create: a
 * random temporary name per job would cost a secure random number for every job.
 */
public final class OutputFiles implements AutoCloseable {
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;

    private OutputFiles(Path dir) {
        this.dir = dir;
    }

    /** @throws IOException when no directory can be made in the temporary directory (java.io.tmpdir) */
    public static OutputFiles create() throws IOException {
        return new OutputFiles(Files.createTempDirectory("deployster-outputs-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    }

    /**
     * A new empty private file (mode 0600) for job {@code jobId} to write its outputs to; read it with
     * {@link Outputs#readAndDelete}.
     *
     * @throws IllegalArgumentException when {@code jobId} is not a job id ({@link JobIds})
     */
    public Path create(String jobId) throws IOException {
        Path file = dir.resolve(JobIds.check(jobId) + ".env"); // an id holds no '/': the file stays in dir
        Files.deleteIfExists(file); // left by a run of the same job that this worker could not finish reading
        return Files.createFile(file, PRIVATE_FILE);
    }

    /** Removes the directory and whatever is left in it. */
    @Override
    public void close() throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            for (Path file : (Iterable<Path>) left::iterator) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
