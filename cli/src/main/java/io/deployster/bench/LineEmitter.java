package io.deployster.bench;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The command of the log-latency job: prints {@code LINES} lines at {@code RATE} lines per second,
 * each the wall-clock time in microseconds at which it is written, one write per line (as a program
 * whose output is line-buffered). Run by the worker as a child process; the benchmark's follower
 * subtracts each stamp from its own wall clock on receipt.
 */
public final class LineEmitter {
    private LineEmitter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LineEmitter LINES RATE");
            System.exit(2);
        }
        long lines = Long.parseLong(args[0]);
        double rate = Double.parseDouble(args[1]);
        long interval = (long) (1e9 / rate);
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64);
        long t0 = System.nanoTime();
        for (long i = 0; i < lines; i++) {
            long due = t0 + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            out.write((Launch.wallMicros() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.close();
    }
}
