package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease gate, run by the real /bin/sh: what a process started before and after its lease's deadline does. */
class LeaseGateTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final LeaseGate gate = LeaseGate.measure();

    @TempDir
    Path dir;

    private record Ran(int exit, String out, String err) {
    }

    private Ran run(List<String> argv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().put("DEPLOYSTER_JOB_ID", "20261202-101010-gatetest");
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ran(p.waitFor(), out, err);
    }

    @Test
    void aScriptStartedAfterItsLeaseRanOutRunsNothingAndSaysWhy() throws Exception {
        Path marker = dir.resolve("ran");
        Ran ran = run(gate.argv(List.of("/bin/sh", "-c", "touch " + marker + "; echo deployed"), System.nanoTime() - SECOND));

        assertEquals(LeaseGate.REFUSED, ran.exit());
        assertFalse(Files.exists(marker), "the command must not have run");
        assertEquals("", ran.out());
        assertEquals("deployster: lease lost: not started\n", ran.err());
    }

    @Test
    void aScriptStartedWithinItsLeaseRunsAsItWouldUngated() throws Exception {
        // output, exit code, $0, line numbers of errors, and no variable of the gate's left behind ($_ included)
        String script = "echo \"out $0 [${deployster_up-unset}${deployster_idle-unset}] [$_]\"\nno-such-command-here\nexit 3";
        List<String> plain = List.of("/bin/sh", "-c", script);

        Ran ungated = run(plain);
        Ran gated = run(gate.argv(plain, System.nanoTime() + 60 * SECOND));

        assertEquals(ungated, gated);
        assertTrue(gated.out().startsWith("out /bin/sh [unsetunset]"), gated.out());
        assertTrue(gated.err().contains("2: no-such-command-here"), gated.err());
    }

    @Test
    void aProgramIsStartedThroughTheGateWithItsArgumentsUntouched() throws Exception {
        List<String> printf = List.of("printf", "%s|", "a b", "$HOME", "*", "'\"");

        assertEquals(new Ran(0, "a b|$HOME|*|'\"|", ""), run(gate.argv(printf, System.nanoTime() + 60 * SECOND)));
        Ran refused = run(gate.argv(printf, System.nanoTime() - SECOND));
        assertEquals(LeaseGate.REFUSED, refused.exit());
        assertEquals("", refused.out());
    }

    @Test
    void aProgramNotOnPathIsAnErrorOfTheStartNamingIt() {
        IOException e = assertThrows(IOException.class,
                () -> gate.argv(List.of("no-such-program-here", "--version"), System.nanoTime() + 60 * SECOND));
        assertTrue(e.getMessage().contains("Cannot run program \"no-such-program-here\""), e.getMessage());
    }

    @Test
    void procUptimeIsReadToTheHundredthOfASecond() {
        assertEquals(12_345_670_000_000L, BootClock.uptimeNanos("12345.67 24000.01\n"));
    }
}
