package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What a table prints of text that came from Redis. */
class TableTest {
    @Test
    void controlCharactersInACellShowAsQuestionMarksSoTheyCannotActOnTheTerminal() {
        StringWriter out = new StringWriter();
        new Table("JOB", "SUBMITTED BY").row("j-1", "x\u001b[31mRED\u0007 two\nlines\ttab").print(new PrintWriter(out));

        assertEquals("JOB  SUBMITTED BY\nj-1  x?[31mRED? two lines tab\n", out.toString().replace(System.lineSeparator(), "\n"));
    }
}
