package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    private static List<String> lines(int max, byte[] input) throws IOException {
        List<String> out = new ArrayList<>();
        new LineReader(max).read(new ByteArrayInputStream(input), out::add);
        return out;
    }

    @Test
    void splitsOnNewlinesAndDropsCarriageReturns() throws IOException {
        assertEquals(List.of("a", "", "b", "last"), lines(100, "a\n\r\nb\r\nlast".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cutsLongLinesAndSaysHowMuchWasCut() throws IOException {
        assertEquals(List.of("abcd [deployster: line cut, 6 more bytes not shown]", "ok"),
                lines(4, "abcdefghij\nok\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void replacesBytesThatAreNotUtf8() throws IOException {
        assertEquals(List.of("x\uFFFDy", "é"), lines(100, new byte[] {'x', (byte) 0xff, 'y', '\n', (byte) 0xc3, (byte) 0xa9}));
    }
}
