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
 * (a stack walk) and runs java.util.Formatter for every record, and its message is filled in by a
 * MessageFormat made anew each time: a worker logs two lines per job, and those took a tenth of its
 * job threads' CPU (bench job-throughput, docs/benchmarks.md).
 *
 * <p>Messages are MessageFormat patterns ({@code {0}} for a parameter, {@code ''} for a quote), filled
 * in here without one; a parameter is printed as {@link String#valueOf}, so a number is not grouped
 * (fencing token 1234, not 1,234: these are identifiers). A pattern with a format type
 * ({@code {0,number}}) or a record with a resource bundle goes to MessageFormat.
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
        line.append(' ').append(record.getLevel().getLocalizedName()).append(' ');
        if (record.getResourceBundle() != null || !fill(record.getMessage(), record.getParameters(), line)) {
            line.append(formatMessage(record));
        }
        line.append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace)); // its lines each end with a separator
            line.append(trace.getBuffer());
        }
        return line.toString();
    }

    /**
     * Appends {@code pattern} with {@code {N}} replaced by parameter N and MessageFormat's quoting
     * ({@code ''} is a quote, text between single quotes is literal); without parameters, the pattern
     * as it is. Returns false, and appends nothing, when the pattern needs MessageFormat.
     */
    static boolean fill(String pattern, Object[] params, StringBuilder out) {
        if (pattern == null || params == null || params.length == 0) {
            out.append(pattern); // as Formatter.formatMessage: no parameters, no MessageFormat
            return true;
        }
        int start = out.length();
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '{' && !quoted) {
                int close = pattern.indexOf('}', i);
                int index = close < 0 ? -1 : parameterIndex(pattern, i + 1, close);
                if (index < 0) {
                    out.setLength(start);
                    return false;
                }
                out.append(index < params.length ? String.valueOf(params[index]) : "{" + index + "}");
                i = close;
            } else {
                out.append(c);
            }
        }
        return true;
    }

    // the N of {N}, or -1 when the braces hold anything else
    private static int parameterIndex(String pattern, int from, int to) {
        if (from == to || to - from > 3) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char d = pattern.charAt(i);
            if (d < '0' || d > '9') {
                return -1;
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }
}
