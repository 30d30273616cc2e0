package io.deployster.bench;

import io.deployster.cli.Main;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Starting this program's own classes in another JVM, and the clock shared with it. */
final class Launch {
    private Launch() {
    }

    /** The running jar (bin/deployster), or this JVM's class path when run from classes (tests, IDE). */
    static String classPath() {
        try {
            Path source = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                return source.toString();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the class path below
        }
        return System.getProperty("java.class.path");
    }

    /** {@code java OPTIONS -cp CLASSPATH MAIN ARGS} with this JVM's java. */
    static List<String> javaArgv(String javaOptions, String mainClass, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : javaOptions.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                argv.add(option);
            }
        }
        argv.add("-cp");
        argv.add(classPath());
        argv.add(mainClass);
        argv.addAll(List.of(args));
        return argv;
    }

    /** The argv as one /bin/sh command line, every word single-quoted. */
    static String shellCommand(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String word : argv) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return s.toString();
    }

    /** Wall-clock microseconds (CLOCK_REALTIME), comparable between processes of one host. */
    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
