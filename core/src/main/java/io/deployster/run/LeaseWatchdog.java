package io.deployster.run;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A small bash process beside the worker's JVM that kills a job's processes when the job's lease runs
 * out before the worker renews it, or when the worker dies (its stdin closes). It is what keeps a
 * stopped or crashed worker's job from overlapping the next job of its project: the JVM cannot act
 * while it is stopped, this process can. The script and its line protocol: lease-watchdog.sh. A
 * watchdog that dies is started again at once; the worker's next renewal tells it every lease.
 */
public final class LeaseWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseWatchdog.class.getName());

    private final String script;
    private final BootClock clock;
    private final Consumer<String> onFenced;
    private Process process;
    private OutputStream toWatchdog;
    private boolean closing;

    private LeaseWatchdog(String script, BootClock clock, Consumer<String> onFenced) {
        this.script = script;
        this.clock = clock;
        this.onFenced = onFenced;
    }

    /**
     * Starts the watchdog.
     *
     * @param onFenced called with a job id each time the watchdog killed that job's processes
     * @throws UncheckedIOException when bash or setsid(1) cannot be started or /proc/uptime cannot be read
     */
    public static LeaseWatchdog start(Consumer<String> onFenced) {
        try {
            LeaseWatchdog watchdog = new LeaseWatchdog(script(), BootClock.measure(), onFenced);
            watchdog.spawn();
            return watchdog;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the lease watchdog (setsid and bash, reading /proc/uptime): " + e.getMessage(), e);
        }
    }

    private synchronized void spawn() throws IOException {
        // in a session of its own: a stop of the worker's process group (Ctrl-Z in its terminal, kill -STOP
        // -PGID) must not stop the watchdog with it. setsid(1) forks only for a group leader, which a child
        // of the JVM is not: the process started is the watchdog.
        ProcessBuilder builder = new ProcessBuilder("setsid", "bash", "-c", script, "deployster-lease-watchdog")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LC_ALL", "C"); // bash's read -N counts bytes, as the length prefix does
        Process p = builder.start();
        process = p;
        toWatchdog = new BufferedOutputStream(p.getOutputStream(), 8192);
        Thread reader = new Thread(() -> readReports(p.getInputStream()), "lease-watchdog-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        p.onExit().thenRun(() -> exited(p));
    }

    private void exited(Process p) {
        synchronized (this) {
            if (closing || p != process) {
                return;
            }
        }
        LOG.log(Level.ERROR, "the lease watchdog (pid {0}) died (exit code {1}); starting a new one, so that a stopped worker''s "
                + "jobs are still killed when their lease runs out", String.valueOf(p.pid()), p.exitValue());
        try {
            spawn();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot start a new lease watchdog ({0}): while this worker is stopped its jobs are not killed "
                    + "when their lease runs out; restart the worker", e.getMessage());
        }
    }

    private void readReports(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("fenced ")) {
                    onFenced.accept(line.substring("fenced ".length()).trim());
                }
            }
        } catch (IOException e) {
            // the watchdog ended
        }
    }

    /**
     * Job {@code jobId}'s lease holds until {@code heldUntil} (a System.nanoTime() value); {@code sessions}
     * are its commands' session (and process group) ids so far.
     */
    public void lease(String jobId, List<Long> sessions, long heldUntil) {
        String sids = sessions.isEmpty() ? "0" : sessions.stream().map(String::valueOf).collect(Collectors.joining(","));
        send("lease " + jobId + " " + sids + " " + clock.centis(heldUntil));
    }

    /** Job {@code jobId} ended: its processes are gone, nothing to guard. */
    public void end(String jobId) {
        send("end " + jobId);
    }

    /** Pid of the watchdog process now. */
    public synchronized long pid() {
        return process.pid();
    }

    // One write per message (lease-watchdog.sh says why the length comes first)
    private synchronized void send(String line) {
        try {
            toWatchdog.write(message(line));
            toWatchdog.flush();
        } catch (IOException e) {
            // it died: exited() starts a new one, which the next renewal tells every lease
        }
    }

    /** A message as the watchdog reads it: its length in bytes as 6 decimal digits, then the line and a newline. */
    static byte[] message(String line) {
        byte[] body = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[6 + body.length];
        // digits by hand: String.format builds a locale's number symbols at every call, twice per job
        for (int i = 5, n = body.length; i >= 0; i--, n /= 10) {
            framed[i] = (byte) ('0' + n % 10);
        }
        System.arraycopy(body, 0, framed, 6, body.length);
        return framed;
    }

    /** The script, as bash runs it. */
    static String script() throws IOException {
        try (InputStream in = LeaseWatchdog.class.getResourceAsStream("lease-watchdog.sh")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Stops the watchdog without fencing: call once no job runs. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closing = true;
            p = process;
        }
        p.destroy();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
