package io.deployster.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a process's output into lines. Bytes that are not UTF-8 become U+FFFD instead of breaking
 * the stream; a line longer than the limit is cut and marked, and the rest of it skipped.
 */
public final class LineReader {
    private final int maxLineBytes;

    public LineReader(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads to the end of {@code in}, handing each line (without its line end) to {@code sink}. */
    public void read(InputStream in, Consumer<String> sink) throws IOException {
        byte[] buf = new byte[64 * 1024];
        byte[] line = new byte[Math.min(maxLineBytes, 8192)];
        int len = 0;
        long dropped = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    sink.accept(text(line, len, dropped));
                    len = 0;
                    dropped = 0;
                } else if (len < maxLineBytes) {
                    if (len == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
                    }
                    line[len++] = b;
                } else {
                    dropped++;
                }
            }
        }
        if (len > 0 || dropped > 0) {
            sink.accept(text(line, len, dropped));
        }
    }

    private static String text(byte[] line, int len, long dropped) {
        int end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        return dropped == 0 ? text : text + " [deployster: line cut, " + dropped + " more bytes not shown]";
    }
}
