package io.deployster.workflow;

import io.deployster.job.JobIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The private directory (mode 0700, made once per worker) holding its jobs' {@code $DEPLOYSTER_OUTPUT}
 * files. Each file is named after its job, whose id is unique, and is made by the job when it writes
 * (a shell's {@code >>}): the directory keeps it private, so the worker creates nothing per job (a
 * temporary file with a random name cost a secure random number, a create and a delete per job).
 */
public final class OutputFiles implements AutoCloseable {
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
     * Where job {@code jobId} writes its outputs; {@link Outputs#readAndDelete} reads and removes the
     * file after the job.
     *
     * @throws IllegalArgumentException when {@code jobId} is not a job id ({@link JobIds})
     */
    public Path of(String jobId) {
        return dir.resolve(JobIds.check(jobId) + ".env"); // an id holds no '/': the file stays in dir
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
