package io.deployster.log;

import io.deployster.secret.Masker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Splits a process's output into lines as a terminal shows them. A carriage return starts the line
 * over (progress bars), so a line's text is what follows its last {@code \r}; {@code \r\n} is a line
 * end. Bytes that are not UTF-8 become U+FFFD; a line longer than the limit is cut on a character
 * boundary and marked, and the rest of it skipped. Output without a line end yet (a prompt, a
 * progress bar) is handed over as a partial line at most every {@value #PARTIAL_EVERY_MILLIS} ms, so
 * followers see it live. With a masker, secrets are masked before a line leaves, also where a cut or
 * a partial line ends inside one.
 */
public final class LineReader {
    /** A partial line is handed over at most this often, and at most this late once output pauses. */
    public static final long PARTIAL_EVERY_MILLIS = 100;

    /** Where lines go. */
    public interface Sink {
        /** A finished line, without its line end. */
        void line(String text);

        /** The current state of the line being written, not ended yet; the next call replaces it. */
        default void partial(String text) {
        }
    }

    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "partial-lines");
        t.setDaemon(true);
        return t;
    });

    private final int maxLineBytes;
    private final Masker masker;

    public LineReader(int maxLineBytes) {
        this(maxLineBytes, Masker.none());
    }

    private LineReader(int maxLineBytes, Masker masker) {
        this.maxLineBytes = maxLineBytes;
        this.masker = masker;
    }

    /** A reader like this one that masks the secrets of {@code masker} in every line it hands over. */
    public LineReader masking(Masker masker) {
        return new LineReader(maxLineBytes, masker);
    }

    /** Reads to the end of {@code in}, handing each finished line to {@code sink}; partial lines are not reported. */
    public void read(InputStream in, Consumer<String> sink) throws IOException {
        readLive(in, sink::accept);
    }

    /** Reads to the end of {@code in}, handing each line (without its line end) and partial line to {@code sink}. */
    public void readLive(InputStream in, Sink sink) throws IOException {
        split(sink).readRest(in);
    }

    /**
     * A splitter the caller feeds, for output read elsewhere (several streams at once on one thread);
     * it hands each line and partial line to {@code sink}.
     */
    public Splitter split(Sink sink) {
        return new Splitter(sink);
    }

    /** Splits one stream's bytes into lines. Thread-safe: it may be fed by one thread, then by another. */
    public final class Splitter {
        /** Bytes read at once by {@link #readRest}. */
        private static final int READ_BYTES = 16 * 1024;

        private final Sink sink;
        private byte[] line = new byte[Math.min(maxLineBytes, 1024)];
        private int len;
        private long dropped;
        private boolean carriageReturn;
        private boolean unreported;
        private long lastPartial;
        private boolean flushScheduled;
        private boolean ended;

        Splitter(Sink sink) {
            this.sink = sink;
        }

        /** Reads {@code in} to its end into this splitter, then ends it. */
        public void readRest(InputStream in) throws IOException {
            byte[] buf = new byte[READ_BYTES];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    chunk(buf, n);
                }
            } finally {
                end();
            }
        }

        /** The next {@code n} bytes of the stream. */
        public synchronized void chunk(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                accept(buf[i]);
            }
            if (unreported && (len > 0 || dropped > 0)) {
                long wait = lastPartial + PARTIAL_EVERY_MILLIS - System.currentTimeMillis();
                if (wait <= 0) {
                    reportPartial();
                } else if (!flushScheduled) {
                    // the process may pause now (a prompt): its latest state still goes out within the interval
                    flushScheduled = true;
                    FLUSHER.schedule(this::flush, wait, TimeUnit.MILLISECONDS);
                }
            }
        }

        private synchronized void flush() {
            flushScheduled = false;
            if (!ended && unreported && (len > 0 || dropped > 0)) {
                reportPartial();
            }
        }

        /** The stream ended: a last line without a line end is handed over. Later calls do nothing. */
        public synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (len > 0 || dropped > 0) {
                sink.line(text(false));
            }
        }

        private void accept(byte b) {
            if (b == '\n') {
                sink.line(text(false));
                len = 0;
                dropped = 0;
                carriageReturn = false;
                unreported = false;
                return;
            }
            if (carriageReturn) {
                // the terminal's cursor went back to the start: what follows replaces the line
                len = 0;
                dropped = 0;
                carriageReturn = false;
            }
            unreported = true;
            if (b == '\r') {
                carriageReturn = true;
            } else if (len < maxLineBytes) {
                if (len == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
                }
                line[len++] = b;
            } else {
                dropped++;
            }
        }

        private void reportPartial() {
            lastPartial = System.currentTimeMillis();
            unreported = false;
            sink.partial(text(true));
        }

        private String text(boolean partial) {
            int end = len;
            long cut = dropped;
            if (cut > 0 || partial) {
                // never split a character: its bytes count as cut (or, for a partial line, as not yet here)
                int boundary = characterBoundary(line, end);
                if (cut > 0) {
                    cut += end - boundary;
                }
                end = boundary;
            }
            String text = new String(line, 0, end, StandardCharsets.UTF_8);
            if (cut == 0 && !partial) {
                return masker.mask(text);
            }
            String masked = masker.maskCut(text);
            return cut == 0 ? masked : masked + " [deployster: line cut, " + cut + " more bytes not shown]";
        }
    }

    /** The largest index ≤ {@code end} that does not fall inside a UTF-8 multi-byte character. */
    static int characterBoundary(byte[] bytes, int end) {
        int start = end;
        // step back over at most 3 continuation bytes to the lead byte of the last character
        while (start > 0 && end - start < 3 && (bytes[start - 1] & 0xC0) == 0x80) {
            start--;
        }
        if (start == 0) {
            return end;
        }
        int lead = bytes[start - 1] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        int have = end - (start - 1);
        return need > have && lead >= 0xC0 ? start - 1 : end;
    }
}
