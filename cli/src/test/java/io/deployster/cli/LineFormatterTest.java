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

    @Test
    void numbersArePrintedWholeAndQuotingFollowsMessageFormat() {
        LogRecord record = new LogRecord(Level.INFO, "job {0} started (fencing token {1}); '{braces}' stay, {2} is out of range");
        record.setParameters(new Object[] {"j-2", 1234567L});
        record.setInstant(Instant.parse("2026-12-02T06:57:06Z"));

        assertEquals("2026-12-02 07:57:06 INFO job j-2 started (fencing token 1234567); {braces} stay, {2} is out of range"
                + System.lineSeparator(), formatter.format(record));
    }

    @Test
    void aMessageWithoutParametersIsPrintedAsItIs() {
        LogRecord record = new LogRecord(Level.INFO, "the worker''s {0} slot");
        record.setInstant(Instant.parse("2026-12-02T06:57:06Z"));

        assertEquals("2026-12-02 07:57:06 INFO the worker''s {0} slot" + System.lineSeparator(), formatter.format(record),
                "as java.util.logging prints it: no parameters, no MessageFormat");
    }

    @Test
    void aPatternWithAFormatTypeIsLeftToMessageFormat() {
        LogRecord record = new LogRecord(Level.INFO, "{0} took {1,number,#.#} s");
        record.setParameters(new Object[] {"job j-3", 2.25});
        record.setInstant(Instant.parse("2026-12-02T06:57:06Z"));

        assertEquals("2026-12-02 07:57:06 INFO job j-3 took 2.2 s" + System.lineSeparator(), formatter.format(record));
    }
}
