package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped systemd unit and environment file, as systemd itself reads them. */
class SystemdUnitTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path UNIT = ROOT.resolve("packaging/systemd/deployster-worker@.service");
    private static final String INSTALLED = "/opt/deployster/bin/deployster";

    @TempDir
    Path dir;

    record Verify(int exit, String output) {
    }

    /**
     * systemd-analyze verify checks that ExecStart's program exists: the copy points at this checkout's
     * bin/deployster (what the install steps put at /opt/deployster) and is otherwise byte for byte the unit.
     */
    private Verify verify(String unitText) throws IOException, InterruptedException {
        Path unit = dir.resolve("deployster-worker@.service");
        Files.writeString(unit, unitText.replace(INSTALLED, ROOT.resolve("bin/deployster").toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify did not end");
        return new Verify(p.exitValue(), output);
    }

    @Test
    void theWorkerUnitPassesSystemdAnalyzeVerifyWithoutAWarning() throws Exception {
        Tools.require("systemd-analyze", "apt-get install -y systemd");
        String text = Files.readString(UNIT);
        assertTrue(text.contains("ExecStart=" + INSTALLED + " worker --name %H-%i "), text);
        Verify ok = verify(text);
        assertEquals(0, ok.exit(), ok.output());
        assertEquals("", ok.output().strip(), "systemd reports nothing about the unit");
        // the check has teeth: systemd names a directive it cannot read (it only warns, so look at the output)
        Verify broken = verify(text.replace("KillMode=control-group", "KillMode=sometimes"));
        assertTrue(broken.output().contains("kill mode") && broken.output().contains("sometimes"), broken.output());
    }

    @Test
    void stopTimeoutOutlastsTheWorkersShutdownGraceAndTheEnvironmentFileIsNameValueLines() throws Exception {
        String text = Files.readString(UNIT);
        int timeoutStop = Integer.parseInt(text.lines().filter(l -> l.startsWith("TimeoutStopSec=")).findFirst().orElseThrow()
                .substring("TimeoutStopSec=".length()));
        assertTrue(timeoutStop > 60, "systemd must not kill a worker still inside its 60 s shutdown grace: " + timeoutStop);
        List<String> settings = Files.readAllLines(ROOT.resolve("packaging/systemd/worker.env.example")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(settings.stream().allMatch(l -> l.matches("[A-Z_]+=\\S.*")), settings.toString());
        assertTrue(settings.stream().anyMatch(l -> l.startsWith("DEPLOYSTER_REDIS=")), settings.toString());
        assertTrue(text.contains("$DEPLOYSTER_WORKER_OPTIONS") && settings.stream().anyMatch(l -> l.startsWith("DEPLOYSTER_WORKER_OPTIONS=")));
    }
}
