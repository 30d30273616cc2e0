package io.deployster.callback;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One POST of a callback, HTTP/1.1 over a socket to the checked address (RFC 9112). Written on a plain
 * socket rather than the JDK HTTP client for three reasons:
 * <ul>
 *   <li>the connection goes to {@link CallbackTarget#address()}, the address that was checked, while the
 *       request line is origin-form ({@code POST /path?query HTTP/1.1}) and {@code Host} is the URL's
 *       host and port, as for any direct request (RFC 9112 section 3.2.1); for {@code https://} the TLS
 *       handshake on that connection sends the URL's host as SNI and checks the certificate against it;</li>
 *   <li>the whole attempt (connect, TLS, sending, the answer's status line) has one deadline: a socket
 *       that outlives it is closed by a timer, so a receiver trickling bytes cannot hold a thread longer;</li>
 *   <li>only the status line is read: the answer's body means nothing to a callback, so a receiver
 *       announcing a large body cannot keep the attempt open.</li>
 * </ul>
 * Redirects are not followed (a redirect could lead to an address nobody checked): a 3xx is a failed attempt.
 */
final class CallbackSender implements AutoCloseable {
    /** The outcome of one attempt: an HTTP status, or an error text when no answer came. */
    record Attempt(Integer status, String error) {
        boolean delivered() {
            return status != null && status / 100 == 2;
        }
    }

    /** The longest status or header line read; longer is not an HTTP answer. */
    private static final int MAX_LINE = 8192;

    private final Duration timeout;
    /** Closes sockets whose attempt passed its deadline; its one thread never blocks on I/O. */
    private final ScheduledThreadPoolExecutor deadlines;

    /** @param timeout the whole attempt's limit */
    CallbackSender(Duration timeout) {
        this.timeout = timeout;
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callback-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** POSTs {@code body} with {@code headers} (no CR or LF in them) to the target; never longer than the timeout. */
    Attempt post(CallbackTarget target, byte[] body, Map<String, String> headers) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = new Socket();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = deadlines.schedule(() -> {
            expired.set(true);
            close(raw);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        String where = target.address().getHostAddress() + ":" + target.port();
        try {
            raw.connect(new InetSocketAddress(target.address(), target.port()), (int) Math.max(1, remainingMillis(deadline)));
            Socket s = target.https() ? tls(raw, target) : raw;
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            out.write(head(target.uri(), body.length, headers));
            out.write(body);
            out.flush();
            int status = status(s, deadline);
            return new Attempt(status, status / 100 == 2 ? null : "HTTP " + status + " from the receiver");
        } catch (SocketTimeoutException e) {
            return new Attempt(null, late(where));
        } catch (IOException e) {
            if (expired.get()) {
                return new Attempt(null, late(where));
            }
            String what = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
            return new Attempt(null, "cannot connect to " + where + " (" + what + ")");
        } finally {
            guard.cancel(false);
            close(raw);
            if (Thread.interrupted()) {
                throw new InterruptedException("stopping");
            }
        }
    }

    private String late(String where) {
        return "no complete answer from " + where + " within " + timeout.toMillis() / 1000.0 + " s (the whole attempt's limit)";
    }

    /** TLS on the connected socket: SNI and certificate checked for the URL's host, not the address. */
    private static Socket tls(Socket raw, CallbackTarget target) throws IOException {
        String host = target.uri().getHost();
        host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(raw, host, target.port(), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    /** The request line (origin-form) and headers. */
    static byte[] head(URI uri, int length, Map<String, String> headers) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        StringBuilder b = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(uri.getHost()).append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("Content-Length: ").append(length).append("\r\n");
        b.append("Connection: close\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The final answer's status code; interim 1xx answers are skipped. */
    private static int status(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        while (true) {
            String line = line(s, in, deadline);
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
                throw new IOException("the answer is not HTTP/1.x: '" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
            }
            int code = Integer.parseInt(parts[1]);
            if (code >= 200) {
                return code;
            }
            while (!line(s, in, deadline).isEmpty()) {
                // headers of the interim answer
            }
        }
    }

    private static String line(Socket s, InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            long left = remainingMillis(deadline);
            if (left <= 0) {
                throw new SocketTimeoutException("deadline");
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int c = in.read();
            if (c < 0) {
                throw new IOException("the receiver closed the connection before answering");
            }
            if (c == '\n') {
                String text = b.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("the answer's line is longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing is all that is left to do
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
