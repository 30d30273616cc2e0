package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The deployster.deploy collection's sources (ansible-examples/collection) and the real ansible-galaxy. */
final class Collection {

    static final String NAME = "deployster.deploy";
    private static final Pattern VERSION = Pattern.compile("(?m)^version: (\\S+)$");

    private Collection() {}

    static Path dir() {
        return Ansible.examplesDir().resolve("collection");
    }

    /** The version in galaxy.yml, the one place it is written. */
    static String version() {
        try {
            Matcher m = VERSION.matcher(Files.readString(dir().resolve("galaxy.yml")));
            assertTrue(m.find(), "galaxy.yml has no version line");
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the collection's files (not what a build left there) into {@code target}. */
    static void copyTo(Path target) throws IOException {
        Path source = dir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path relative = source.relativize(file);
                if (relative.toString().endsWith(".tar.gz")) {
                    continue;
                }
                Path copy = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** galaxy.yml's text with its version replaced, as a release of another version would have it. */
    static String galaxyYmlWithVersion(Path galaxyYml, String version) throws IOException {
        return VERSION.matcher(Files.readString(galaxyYml)).replaceFirst("version: " + version);
    }

    /** ansible-galaxy {args} in {@code dir}, with the given environment; asserts it succeeded. */
    static Processes.Result galaxy(Path dir, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("ansible-galaxy"));
        argv.addAll(List.of(args));
        Processes.Result r = Processes.run(argv, dir, env, Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), r::describe);
        return r;
    }
}
