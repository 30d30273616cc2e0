package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.log.LineReader;
import io.deployster.testing.Await;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How a job's command is started, by posix_spawn and by the JDK with setsid(1): both must give the
 * command the same session, input, descriptors, environment, directory and exit status.
 */
class ProcessGroupTest {
    enum Launcher {
        POSIX_SPAWN, JDK;

        ProcessGroup start(List<String> argv, File dir, Map<String, String> env) throws IOException {
            return this == JDK ? ProcessGroup.startThroughJdk(argv, dir, env) : ProcessGroup.start(argv, dir, env);
        }
    }

    @TempDir
    Path dir;

    private record Ran(int exit, String stdout, String stderr) {
    }

    private Ran run(Launcher launcher, String script, Map<String, String> env) throws Exception {
        Process p = launcher.start(List.of("/bin/sh", "-c", script), dir.toFile(), env).process();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        return new Ran(exit, out, err);
    }

    @Test
    void thisHostUsesPosixSpawn() {
        assertTrue(PosixSpawn.load() != null, "glibc 2.34 or later has every call posix_spawn needs here; this host's libc lacks one");
    }

    @ParameterizedTest
    @EnumSource(Launcher.class)
    void theCommandLeadsASessionOfItsOwnWithNothingButItsThreeStreams(Launcher launcher) throws Exception {
        // a descriptor this JVM holds open must not reach the job (a job holding the lease watchdog's pipe
        // would keep it from seeing the worker die)
        try (FileInputStream held = new FileInputStream("/proc/self/stat")) {
            // ls lists its own descriptors, in a subshell without pipes or redirections: the shell holds
            // no descriptor of its own then (a pipeline's ends, a saved stdout), only what it inherited
            Ran ran = run(launcher, "ps -o sid= -o pgid= -p $$; (exec ls /proc/self/fd); cat; echo end of input", Map.of());
            String[] lines = ran.stdout().split("\n");
            String[] ids = lines[0].trim().split("\\s+");
            assertEquals(ids[0], ids[1], "session and process group: " + lines[0]);
            assertEquals("0 1 2 3", String.join(" ", List.of(lines).subList(1, lines.length - 1)),
                    "descriptors the command has open (3: ls reading the directory)");
            assertEquals("end of input", lines[lines.length - 1], "stdin is empty (/dev/null)");
            assertEquals(0, ran.exit());
            assertTrue(held.getFD().valid());
        }
    }

    @ParameterizedTest
    @EnumSource(Launcher.class)
    void theCommandGetsTheWorkersEnvironmentTheJobsVariablesAndItsDirectory(Launcher launcher) throws Exception {
        // a job's variable replaces the worker's of the same name: one HOME, the job's
        Ran ran = run(launcher, "pwd; echo \"$DEPLOYSTER_TEST_VALUE\"; echo \"$PATH\"; env | grep -c '^HOME='; echo \"$HOME\"; "
                + "echo oops >&2; exit 7", Map.of("DEPLOYSTER_TEST_VALUE", "a b=c ü", "HOME", "/the job's home"));
        assertEquals(List.of(dir.toRealPath().toString(), "a b=c ü", System.getenv("PATH"), "1", "/the job's home"),
                List.of(ran.stdout().split("\n")));
        assertEquals("oops\n", ran.stderr());
        assertEquals(7, ran.exit());
    }

    @ParameterizedTest
    @EnumSource(Launcher.class)
    void aCommandKilledByASignalExitsWith128PlusItsNumber(Launcher launcher) throws Exception {
        assertEquals(128 + 15, run(launcher, "kill -TERM $$; sleep 5", Map.of()).exit());
    }

    @ParameterizedTest
    @EnumSource(Launcher.class)
    void isAliveSaysWhenTheCommandEndedAndTheExitCodeIsStillThere(Launcher launcher) throws Exception {
        Path go = dir.resolve("go");
        Process p = launcher.start(List.of("/bin/sh", "-c", "while [ ! -e go ]; do sleep 0.01; done; exit 4"), dir.toFile(), Map.of()).process();
        Posix posix = Posix.load();
        assertTrue(p.isAlive());
        if (launcher == Launcher.POSIX_SPAWN) {
            assertTrue(posix.groupExists(p.pid()), "its process group, there as soon as the start returned");
        } else { // setsid(1) may not have made it yet
            Await.until("the command's process group", Duration.ofSeconds(10), () -> posix.groupExists(p.pid()));
        }
        Files.writeString(go, "");
        Await.until("the command to end", Duration.ofSeconds(10), () -> !p.isAlive());
        assertFalse(p.isAlive());
        assertEquals(4, p.waitFor());
        assertEquals(4, p.exitValue());
        assertFalse(posix.groupExists(p.pid()), "its process group once it was collected");
        p.getInputStream().close();
        p.getErrorStream().close();
    }

    // Through the JDK, setsid(1) is the program started: a missing command is its exit status 1 and a
    // message on stderr. posix_spawn reports it as the start's failure, as ProcessBuilder would.
    @Test
    void aStartThatFailsNamesTheProgramOrTheDirectoryAndLeavesNoDescriptorOpen() throws Exception {
        Launcher launcher = Launcher.POSIX_SPAWN;
        long before = openDescriptors();
        for (int i = 0; i < 50; i++) {
            IOException noProgram = assertThrows(IOException.class,
                    () -> launcher.start(List.of("no-such-program-here"), dir.toFile(), Map.of()));
            assertTrue(noProgram.getMessage().contains("\"no-such-program-here\"") && noProgram.getMessage().contains("No such file"),
                    noProgram.getMessage());
            File missing = dir.resolve("missing").toFile();
            IOException noDir = assertThrows(IOException.class, () -> launcher.start(List.of("/bin/true"), missing, Map.of()));
            assertTrue(noDir.getMessage().contains(missing.getPath()), noDir.getMessage());
        }
        assertEquals(before, openDescriptors(), "this JVM's open descriptors after 100 failed starts");
    }

    @Test
    void outputNobodyClosedIsClosedOnceUnreachable() throws Exception {
        long before = openDescriptors();
        List<Process> ended = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Process p = ProcessGroup.start(List.of("/bin/true"), dir.toFile(), Map.of()).process();
            p.waitFor();
            ended.add(p);
        }
        assertEquals(before + 40, openDescriptors(), "two pipes per process, held until closed or unreachable");
        ended.clear();
        Await.until("the 40 pipes nobody closed to be closed", Duration.ofSeconds(30), () -> {
            System.gc();
            return openDescriptors() <= before;
        });
    }

    // pipes only: sockets and files other tests' background threads open or close do not count
    private static boolean isPipe(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
        } catch (IOException e) {
            return false; // closed meanwhile
        }
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(ProcessGroupTest::isPipe).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines and partial lines one splitter handed over. */
    private static final class Collected implements LineReader.Sink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void line(String text) {
            lines.add(text);
        }
    }

    @Test
    void bothStreamsAreReadOnTheCallingThreadToTheirEndsWhateverTheirSizes() throws Exception {
        // 20,000 lines on each stream, written alternately: a reader that waited for one stream while the
        // other's pipe is full (64 KiB) would never return
        SpawnedProcess p = (SpawnedProcess) ProcessGroup.start(List.of("/bin/sh", "-c",
                "i=0; while [ $i -lt 20000 ]; do echo out $i; echo err $i >&2; i=$((i+1)); done; printf 'no line end'"),
                dir.toFile(), Map.of()).process();
        Collected out = new Collected();
        Collected err = new Collected();
        LineReader lines = new LineReader(1000);

        List<SpawnedProcess.Unread> unread = p.readOutput(lines.split(out), lines.split(err), 2000);

        assertEquals(List.of(), unread, "both streams ended");
        assertEquals(0, p.waitFor());
        assertEquals(20_001, out.lines.size());
        assertEquals("out 19999", out.lines.get(19_999));
        assertEquals("no line end", out.lines.get(20_000), "the last line without a line end is handed over at the end");
        assertEquals(20_000, err.lines.size());
        assertEquals("err 0", err.lines.get(0));
        assertThrows(IOException.class, () -> p.getInputStream().read(), "an ended stream is closed");
    }

    @Test
    void aStreamAChildLeftBehindHoldsOpenIsHandedBackOnceTheProcessExitedAndTheDrainTimePassed() throws Exception {
        // the command exits at once; the sleep it started in the background keeps stdout open, stderr ends
        SpawnedProcess p = (SpawnedProcess) ProcessGroup.start(List.of("/bin/sh", "-c",
                "echo before; (exec 2>&-; sleep 30; echo late) & echo done >&2"), dir.toFile(), Map.of()).process();
        Collected out = new Collected();
        Collected err = new Collected();
        LineReader lines = new LineReader(1000);
        LineReader.Splitter outLines = lines.split(out);

        List<SpawnedProcess.Unread> unread = p.readOutput(outLines, lines.split(err), 300);

        assertEquals(1, unread.size(), "stdout is still open: " + unread);
        assertTrue(unread.get(0).lines() == outLines, "handed back with its own splitter, which holds what was read so far");
        assertEquals(List.of("before"), out.lines);
        assertEquals(List.of("done"), err.lines);
        assertEquals(0, p.waitFor());
        assertTrue(Posix.load().kill(-p.pid(), Posix.Signal.KILL), "the child left behind is in the command's process group");
        unread.get(0).lines().readRest(unread.get(0).in());
        assertEquals(List.of("before"), out.lines, "the killed child wrote nothing more; the stream then ended");
    }
}
