package io.deployster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every CI step and every {@code status} in a loop pays before it does anything: the wall time of
 * {@code deployster --version}, a whole process from start to exit, as bin/deployster runs it (with the
 * class-data archive its first run makes), beside plain {@code java -cp ... Main --version} with the
 * JVM's defaults, alternated run by run so that both see the same load.
 */
final class CliStart implements Scenario {
    static final double TARGET_SECONDS = 0.3;
    private static final String MAIN = "io.deployster.cli.Main";

    @Override
    public String name() {
        return "cli-start";
    }

    @Override
    public void run(BenchContext ctx, ScenarioResult result) throws Exception {
        int runs = ctx.config.smoke() ? 1 : 7;
        Path wrapper = wrapper();
        // without the jar (tests, IDE) there is no wrapper and no archive: the wrapper's flags, from classes
        List<String> shipped = wrapper != null ? List.of(wrapper.toString(), "--version")
                : Launch.javaArgv("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", MAIN, "--version");
        List<String> plain = Launch.javaArgv("", MAIN, "--version");
        // not counted: the wrapper's first run after a build writes the archive, and the page cache warms
        seconds(shipped);
        seconds(plain);
        double[] a = new double[runs];
        double[] b = new double[runs];
        for (int i = 0; i < runs; i++) {
            a[i] = seconds(shipped);
            b[i] = seconds(plain);
        }
        double shippedMedian = median(a);
        double plainMedian = median(b);
        result.put("runs", runs);
        result.put("command", wrapper != null ? "bin/deployster --version" : "java (wrapper's flags) -cp CLASSES Main --version");
        result.put("medianSeconds", ScenarioResult.round(shippedMedian));
        result.put("plainJavaMedianSeconds", ScenarioResult.round(plainMedian));
        result.row("plain java, JVM defaults, --version (median of " + runs + ")",
                String.format(Locale.ROOT, "%.3f s", plainMedian), null, null, null);
        result.row((wrapper != null ? "bin/deployster" : "wrapper's flags, no archive") + " --version (median of " + runs + ")",
                String.format(Locale.ROOT, "%.3f s", shippedMedian), null, "<= 0.3 s", shippedMedian <= TARGET_SECONDS);
    }

    // bin/deployster beside the jar this JVM runs from, when it runs from one
    private static Path wrapper() {
        String home = System.getenv("DEPLOYSTER_HOME");
        if (home == null || !Launch.classPath().endsWith(".jar")) {
            return null;
        }
        Path wrapper = Path.of(home, "bin", "deployster");
        return Files.isExecutable(wrapper) ? wrapper : null;
    }

    private static double seconds(List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // the defaults are measured, not what this run was given
        pb.environment().remove("DEPLOYSTER_JAVA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        long t0 = System.nanoTime();
        int exit = pb.start().waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited with " + exit);
        }
        return s;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
