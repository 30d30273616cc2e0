package io.deployster.cli;

import io.deployster.job.JobState;
import io.deployster.log.LiveLines;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFormat;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Prints a job's log as it arrives, as a terminal would have shown it: the job's stdout to stdout,
 * its stderr and Deployster's own notes to stderr; unfinished lines (prompts, {@code \r} progress
 * bars) at once, rewritten in place until their line ends.
 */
final class Console implements Consumer<LogEntry> {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final LiveLines live = new LiveLines(true);

    Console(PrintWriter out, PrintWriter err, boolean quiet) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public void accept(LogEntry entry) {
        if (entry.isLine() || entry.isPartial()) {
            boolean stderr = LogEntry.STDERR.equals(entry.stream());
            PrintWriter target = stderr ? err : out;
            (stderr ? out : err).flush();
            target.print(entry.isPartial() ? live.partial(entry.stream(), entry.partialText()) : live.line(entry.stream(), entry.text()));
            target.flush();
            return;
        }
        String note = LogFormat.render(entry);
        if (note != null && (!quiet || entry.isFinished())) {
            out.flush();
            err.println(note);
            err.flush();
        }
    }

    static String summary(JobState state) {
        StringBuilder s = new StringBuilder("job ").append(state.id()).append(": ").append(state.status().wireName());
        if (state.exitCode() != null) {
            s.append(", exit code ").append(state.exitCode());
        }
        if (state.worker() != null) {
            s.append(", worker ").append(state.worker());
        }
        if (state.durationMillis() != null) {
            s.append(", ").append(String.format(Locale.ROOT, "%.1f s", state.durationMillis() / 1000.0));
        }
        if (state.reason() != null) {
            s.append("\n  reason: ").append(state.reason());
        }
        return s.toString();
    }
}
