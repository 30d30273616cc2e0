package io.deployster.workflow;

import io.deployster.job.JobCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's outputs: the {@code key=value} lines it wrote to the file named by {@code $DEPLOYSTER_OUTPUT}.
 * Keys are 1 to 100 of {@code A-Z a-z 0-9 _ . -}; a later line wins; other lines are ignored. At most
 * {@value #MAX_BYTES} bytes of the file are read, so a runaway job cannot fill Redis.
 */
public final class Outputs {
    public static final int MAX_BYTES = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private Outputs() {
    }

    /**
     * What a job left in its output file.
     *
     * @param outputs key to value, in the order written (a later line wins)
     * @param problem why some or all of the file was left out, for the worker's log; null when nothing was
     */
    public record Read(Map<String, String> outputs, String problem) {
    }

    /**
     * Reads and deletes the file. An absent file has no outputs. Only a regular file is read (not a link, a
     * directory or a FIFO, whose open would wait for a writer forever), and of it only the lines that end
     * within its first {@value #MAX_BYTES} bytes.
     *
     * @throws IOException when it cannot be read or deleted
     */
    public static Read readAndDelete(Path file) throws IOException {
        try {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return new Read(Map.of(), null);
            }
            if (!attributes.isRegularFile()) {
                return new Read(Map.of(), "$DEPLOYSTER_OUTPUT was replaced by " + kind(attributes) + ", not a regular file: no outputs were read");
            }
            if (attributes.size() == 0) {
                return new Read(Map.of(), null); // most jobs write no outputs: no need to open the file
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length <= MAX_BYTES) {
                return new Read(parse(new String(bytes, StandardCharsets.UTF_8)), null);
            }
            int end = MAX_BYTES;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            return new Read(parse(new String(bytes, 0, end, StandardCharsets.UTF_8)), "$DEPLOYSTER_OUTPUT holds more than "
                    + MAX_BYTES / 1024 + " KiB: only the lines within its first " + MAX_BYTES / 1024 + " KiB were read");
        } finally {
            delete(file);
        }
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return attributes.isDirectory() ? "a directory" : "a special file (a FIFO, a socket or a device)";
    }

    // What the job left there, a directory with all in it included (links are removed, never followed).
    static void delete(Path file) throws IOException {
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(file)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } else {
            Files.deleteIfExists(file);
        }
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && KEY.matcher(line.substring(0, eq).trim()).matches()) {
                String value = line.substring(eq + 1);
                out.put(line.substring(0, eq).trim(), value.endsWith("\r") ? value.substring(0, value.length() - 1) : value);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public static String toJson(Map<String, String> outputs) {
        return outputs.isEmpty() ? null : JobCodec.toJson(outputs);
    }

}
