package io.deployster.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table for people: a header, columns padded to their widest cell, '-' for no value. */
final class Table {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** Long cells (reasons, URLs) are cut so a row stays one line; --json has them whole. */
    private static final int MAX_CELL = 60;

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String text = cells[i] == null ? "-" : printable(cells[i].toString());
            row[i] = text.isEmpty() ? "-" : text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 3) + "..." : text;
        }
        rows.add(row);
        return this;
    }

    // A cell is text from Redis (a submitter's name, a reason): a control character in it, an escape
    // sequence above all, would act on the reader's terminal instead of showing. '?' shows it was there.
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t') {
                out.append(' ');
            } else if (Character.isISOControl(c)) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }

    static String millis(Long ms) {
        return ms == null ? null : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** How long ago, for people: "42 s", "5 min", "3 h", "2 d". */
    static String age(Instant t, Instant now) {
        if (t == null) {
            return null;
        }
        long s = Math.max(0, Duration.between(t, now).toSeconds());
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172_800 ? s / 3600 + " h" : s / 86_400 + " d";
    }
}
