package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** HTTP GETs against the app on 127.0.0.1, and free ports for it. */
final class Http {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {}

    /** A port that was free a moment ago (the kernel's choice for a server socket on port 0). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** "status body" of GET http://127.0.0.1:port/path, or "no answer (...)". */
    static String get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().trim();
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits, up to {@code timeout}, until GET path answers 200 with exactly {@code body}. */
    static void awaitBody(int port, String path, String body, Duration timeout) {
        String expected = "200 " + body;
        Instant deadline = Instant.now().plus(timeout);
        String last;
        do {
            last = get(port, path);
            if (last.equals(expected)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (Instant.now().isBefore(deadline));
        fail("GET http://127.0.0.1:" + port + path + " should answer '" + expected + "' but answered '" + last
                + "' (waited " + timeout + ")");
    }
}
