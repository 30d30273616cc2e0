package io.deployster.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * A log record as one line, {@code 2026-12-02 06:57:06 INFO message}, then the stack trace if any.
 * SimpleFormatter prints the same with its default pattern set to this, but finds the calling class
 * (a stack walk) and runs java.util.Formatter for every record: a worker logs two lines per job, and
 * those took a tenth of its job threads' CPU (bench job-throughput, docs/benchmarks.md).
 */
final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private final ZoneId zone;

    LineFormatter(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant().atZone(zone), line);
        line.append(' ').append(record.getLevel().getLocalizedName()).append(' ').append(formatMessage(record));
        line.append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace)); // its lines each end with a separator
            line.append(trace.getBuffer());
        }
        return line.toString();
    }
}
