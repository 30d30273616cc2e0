package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LineFormatterTest {
    private final LineFormatter formatter = new LineFormatter(ZoneId.of("Europe/Berlin"));

    @Test
    void aRecordIsOneLineWithLocalTimeLevelAndItsFilledInMessage() {
        LogRecord record = new LogRecord(Level.INFO, "job {0} of project {1} started; the worker''s slot {2}");
        record.setParameters(new Object[] {"j-1", "shop", "3"});
        record.setInstant(Instant.parse("2026-12-02T06:57:06.789Z"));

        assertEquals("2026-12-02 07:57:06 INFO job j-1 of project shop started; the worker's slot 3" + System.lineSeparator(),
                formatter.format(record));
    }

    @Test
    void aThrowableFollowsOnTheNextLinesWithItsStackTrace() {
        LogRecord record = new LogRecord(Level.WARNING, "cannot reach Redis");
        record.setInstant(Instant.parse("2026-12-02T06:57:06Z"));
        record.setThrown(new IOException("Connection refused"));

        String[] lines = formatter.format(record).split(System.lineSeparator(), -1);

        assertEquals("2026-12-02 07:57:06 WARNING cannot reach Redis", lines[0]);
        assertEquals("java.io.IOException: Connection refused", lines[1]);
        assertTrue(lines[2].startsWith("\tat io.deployster.cli.LineFormatterTest."), lines[2]);
        assertEquals("", lines[lines.length - 1], "the record ends with one line separator");
        assertTrue(lines[lines.length - 2].startsWith("\tat "), "no blank line before the end: " + lines[lines.length - 2]);
    }
}
