package io.deployster.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A small bash process beside the worker's JVM that kills a job's processes when the job's lease runs
 * out before the worker renews it, or when the worker dies (its stdin closes). It is what keeps a
 * stopped or crashed worker's job from overlapping the next job of its project: the JVM cannot act
 * while it is stopped, this process can. The script and its line protocol: lease-watchdog.sh.
 */
public final class LeaseWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseWatchdog.class.getName());

    private final Process process;
    private final Writer toWatchdog;
    private final Thread reader;

    private LeaseWatchdog(Process process, Consumer<String> onFenced) {
        this.process = process;
        this.toWatchdog = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(() -> readReports(process.getInputStream(), onFenced), "lease-watchdog");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the watchdog.
     *
     * @param onFenced called with a job id each time the watchdog killed that job's processes
     * @throws UncheckedIOException when bash cannot be started
     */
    public static LeaseWatchdog start(Consumer<String> onFenced) {
        try (InputStream in = LeaseWatchdog.class.getResourceAsStream("lease-watchdog.sh")) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder("bash", "-c", script, "deployster-lease-watchdog")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new LeaseWatchdog(process, onFenced);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the lease watchdog (bash): " + e.getMessage(), e);
        }
    }

    private static void readReports(InputStream in, Consumer<String> onFenced) {
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
     * Job {@code jobId}'s lease holds {@code millis} more ms; {@code group} is its current command's
     * process group (0 when none runs).
     */
    public void lease(String jobId, long group, long millis) {
        send("lease " + jobId + " " + group + " " + Math.max(0, millis));
    }

    /** Job {@code jobId} ended: its processes are gone, nothing to guard. */
    public void end(String jobId) {
        send("end " + jobId);
    }

    public boolean alive() {
        return process.isAlive();
    }

    private synchronized void send(String line) {
        try {
            toWatchdog.write(line + "\n");
            toWatchdog.flush();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "the lease watchdog (pid {0}) is gone: a stalled worker's jobs are no longer fenced "
                    + "while it is stopped; restart the worker ({1})", process.pid(), e.getMessage());
        }
    }

    /** Stops the watchdog without fencing: call once no job runs. */
    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
