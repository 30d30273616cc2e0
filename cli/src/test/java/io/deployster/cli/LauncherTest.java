package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed launcher (packaging/bin/deployster, with java-opts.bash, which bin/deployster sources
 * too), laid out as the install steps of docs/operations.md lay it out, with a jar whose main class
 * prints the JVM options and arguments it was started with.
 */
class LauncherTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path install;

    record Run(int exit, List<String> options, List<String> args, String stderr) {
    }

    @BeforeEach
    void layOut() throws IOException {
        Files.createDirectories(install.resolve("bin"));
        Files.createDirectories(install.resolve("lib"));
        for (String script : List.of("deployster", "java-opts.bash")) {
            Files.copy(ROOT.resolve("packaging/bin/" + script), install.resolve("bin/" + script), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        Path classes = Path.of(LauncherProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (OutputStream out = Files.newOutputStream(install.resolve("lib/deployster.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    private Run run(String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(install.resolve("bin/deployster").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(install.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        if (javaOpts == null) {
            pb.environment().remove("DEPLOYSTER_JAVA_OPTS");
        } else {
            pb.environment().put("DEPLOYSTER_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end");
        List<String> options = new ArrayList<>();
        List<String> argsSeen = new ArrayList<>();
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith("option ")) {
                options.add(line.substring("option ".length()));
            } else if (line.startsWith("arg ")) {
                argsSeen.add(line.substring("arg ".length()));
            }
        }
        return new Run(p.exitValue(), options, argsSeen, stderr);
    }

    @Test
    void withoutDeploysterJavaOptsAWorkerGetsTheSmallFootprintDefaults() throws Exception {
        Run run = run(null, "worker", "--name", "host a");

        assertEquals(0, run.exit(), run.stderr());
        assertEquals(List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx256m", "-XX:TieredStopAtLevel=1"), run.options());
        assertEquals(List.of("worker", "--name", "host a"), run.args(), "arguments reach the program as given");
    }

    @Test
    void deploysterJavaOptsIsSplitLikeACommandLineWithQuotesAndNothingExpanded() throws Exception {
        Files.writeString(install.resolve("a-file-a-glob-would-find"), "");

        Run run = run("-Xmx64m  '-Ddeployster.greeting=good morning' -Ddeployster.pattern=* \"-Ddeployster.quote=it's\" "
                + "-Ddeployster.home=$HOME -Ddeployster.escaped=a\\ b", "status", "j-1");

        assertEquals(0, run.exit(), run.stderr());
        assertEquals(List.of("-Xmx64m", "-Ddeployster.greeting=good morning", "-Ddeployster.pattern=*", "-Ddeployster.quote=it's",
                "-Ddeployster.home=$HOME", "-Ddeployster.escaped=a b"), run.options(), "the defaults are replaced, each option as written");
        assertEquals(List.of("status", "j-1"), run.args());
    }

    @Test
    void anUnmatchedQuoteIsAUsageErrorNamingTheVariableAndNothingStarts() throws Exception {
        Run run = run("-Xmx64m -Ddeployster.quote=it's", "worker");

        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.stderr().contains("DEPLOYSTER_JAVA_OPTS") && run.stderr().contains("[-Xmx64m -Ddeployster.quote=it's]")
                && run.stderr().contains("unmatched quote"), run.stderr());
        assertEquals(List.of(), run.options(), "java was not started");
    }
}
