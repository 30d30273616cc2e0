package io.deployster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import io.deployster.secret.Masker;
import io.deployster.testing.Await;
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

    @Test
    void aCarriageReturnStartsTheLineOverSoTheFinalStateIsKept() throws IOException {
        StringBuilder progress = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            progress.append("\rdownloading ").append(i).append("/2000");
        }
        progress.append("\nafter\n");
        assertEquals(List.of("downloading 2000/2000", "after"), lines(16 * 1024, progress.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCutNeverSplitsACharacter() throws IOException {
        // 'é' is 2 bytes, '✓' 3, '😀' 4: a cut at 4 bytes falls inside each
        assertEquals(List.of("abc [deployster: line cut, 2 more bytes not shown]"), lines(4, "abcé\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("ab [deployster: line cut, 4 more bytes not shown]"), lines(4, "ab✓z\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a [deployster: line cut, 5 more bytes not shown]"), lines(4, "a😀b\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("😀 [deployster: line cut, 1 more bytes not shown]"), lines(4, "😀b\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSecretCutInTwoShowsNeitherHalf() throws IOException {
        List<String> out = new ArrayList<>();
        new LineReader(12).masking(new Masker(List.of("ZQXJ-secret-7781"))).read(
                new ByteArrayInputStream("token=ZQXJ-secret-7781 tail\n".getBytes(StandardCharsets.UTF_8)), out::add);
        assertEquals(List.of("token=**** [deployster: line cut, 15 more bytes not shown]"), out);
    }

    @Test
    void outputWithoutLineEndReachesTheSinkWhileTheProcessWaits() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "printf 'Continue? [y/N] '; exec sleep 60").start();
        List<String> partials = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                new LineReader(100).readLive(p.getInputStream(), new LineReader.Sink() {
                    @Override
                    public void line(String text) {
                    }

                    @Override
                    public void partial(String text) {
                        partials.add(text);
                    }
                });
            } catch (IOException e) {
                // the process was killed
            }
        });
        reader.start();
        try {
            Await.until("the prompt as a partial line", Duration.ofSeconds(5), () -> partials.contains("Continue? [y/N] "));
            assertTrue(p.isAlive(), "the prompt arrived before the process went on");
        } finally {
            p.destroyForcibly();
            reader.join();
        }
    }
}
