package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A directory served over HTTP on 127.0.0.1 by python3's http.server, standing in for an
 * artifact repository: GET /name answers the file, a missing name 404.
 */
final class FileServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    final int port;
    private final Process process;

    private FileServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static FileServer serve(Path dir, Path log) throws IOException {
        int port = Http.freePort();
        Process process = new ProcessBuilder(RequiredTools.onPath("python3").toString(), "-m", "http.server",
                String.valueOf(port), "--bind", "127.0.0.1", "--directory", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        FileServer server = new FileServer(port, process);
        try {
            server.awaitAnswer();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** http://127.0.0.1:port/name */
    String url(String name) {
        return "http://127.0.0.1:" + port + "/" + name;
    }

    private void awaitAnswer() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String last;
        do {
            if (!process.isAlive()) {
                fail("python3 -m http.server exited with " + process.exitValue());
            }
            last = Http.get(port, "/");
            if (last.startsWith("200")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (Instant.now().isBefore(deadline));
        fail("python3 -m http.server on port " + port + " did not answer within " + START_TIMEOUT + "; last: " + last);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
