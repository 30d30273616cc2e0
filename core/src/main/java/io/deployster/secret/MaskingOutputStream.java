package io.deployster.secret;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes a process's output on line by line with secrets masked. Holds back at most one line (or
 * {@value #MAX_PENDING} bytes of a line without end), so a secret is never split across writes.
 * Closing it flushes what is pending but leaves the target open: the target is the build console.
 */
public final class MaskingOutputStream extends OutputStream {
    static final int MAX_PENDING = 8192;

    private final OutputStream target;
    private final Masker masker;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public MaskingOutputStream(OutputStream target, Masker masker) {
        this.target = target;
        this.masker = masker;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (masker.isEmpty()) {
            target.write(b);
            return;
        }
        pending.write(b);
        if (b == '\n' || pending.size() >= MAX_PENDING) {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (masker.isEmpty()) {
            target.write(b, off, len);
            return;
        }
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                pending.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            } else if (pending.size() + (i + 1 - start) >= MAX_PENDING) {
                pending.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        if (start < end) {
            pending.write(b, start, end - start);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        target.flush();
    }

    /** Writes out what is pending and flushes; the target stays open. */
    @Override
    public synchronized void close() throws IOException {
        if (pending.size() > 0) {
            emit();
        }
        target.flush();
    }

    private void emit() throws IOException {
        byte[] line = pending.toByteArray();
        pending.reset();
        byte[] masked = masker.mask(line, line.length);
        target.write(masked, 0, masked.length);
    }
}
