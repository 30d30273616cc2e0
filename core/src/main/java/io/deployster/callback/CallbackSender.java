package io.deployster.callback;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One POST of a callback, with Apache HttpClient 5 (classic). The client is set up for this one use:
 * <ul>
 *   <li>its {@link DnsResolver} answers only the checked address ({@link CallbackTarget#address()}) for
 *       the URL's host and refuses every other name, so the connection goes where the SSRF check looked
 *       (no second lookup a rebinding DNS server could answer differently), while the request line
 *       stays origin-form and {@code Host} the URL's host and port; for {@code https://} the TLS
 *       handshake sends the URL's host as SNI and checks the certificate against that name;</li>
 *   <li>the connect and response (socket read) timeouts are the retry policy's attempt limit, and the
 *       whole attempt (connect, TLS, sending, the answer's status line) has that limit too: a timer
 *       cancels the request at the deadline, so a receiver trickling bytes cannot hold a thread longer;</li>
 *   <li>only the status line and headers are read: the exchange is aborted before the body, which means
 *       nothing to a callback, so a receiver announcing a large body cannot keep the attempt open;</li>
 *   <li>no redirects (a redirect could lead to an address nobody checked: a 3xx is a failed attempt), no
 *       retries by the client (the {@link RetryPolicy} decides), no cookies, no auth cache, no proxy from
 *       system properties (a proxy would connect to a name nobody checked).</li>
 * </ul>
 */
final class CallbackSender implements AutoCloseable {
    /** The outcome of one attempt: an HTTP status, or an error text when no answer came. */
    record Attempt(Integer status, String error) {
        boolean delivered() {
            return status != null && status / 100 == 2;
        }
    }

    /** The longest status or header line read, and the most header lines: beyond them the answer is refused, not buffered. */
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;

    private final Duration timeout;
    /** Trust for {@code https://}: null for the JDK's default trust store (the system properties' one). */
    private final SSLContext tls;
    /** Cancels requests whose attempt passed its deadline; its one thread never blocks on I/O. */
    private final ScheduledThreadPoolExecutor deadlines;

    /** @param retry its {@link RetryPolicy#requestTimeout()} limits each attempt */
    CallbackSender(RetryPolicy retry) {
        this(retry, null);
    }

    /**
     * @param retry its {@link RetryPolicy#requestTimeout()} limits each attempt
     * @param tls the trust (and client keys, if any) for {@code https://}; null for the JDK's defaults
     */
    CallbackSender(RetryPolicy retry, SSLContext tls) {
        this.timeout = retry.requestTimeout();
        this.tls = tls;
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callback-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** POSTs {@code body} with {@code headers} (no CR or LF in them) to the target; never longer than the timeout. */
    Attempt post(CallbackTarget target, byte[] body, Map<String, String> headers) throws InterruptedException {
        String where = target.address().getHostAddress() + ":" + target.port();
        HttpPost request = new HttpPost(target.uri());
        headers.forEach(request::addHeader);
        // the answer's body is never read: the receiver need not keep the connection for another request
        request.setHeader(HttpHeaders.CONNECTION, "close");
        // no content type on the entity: the caller's Content-Type header is the one sent
        request.setEntity(new ByteArrayEntity(body, null));
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = deadlines.schedule(() -> {
            expired.set(true);
            request.cancel();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (CloseableHttpClient client = client(target)) {
            ClassicHttpResponse response = client.executeOpen(null, request, null);
            int status = response.getCode();
            // abort before closing: closing an open response would read its body to the end
            request.cancel();
            closeQuietly(response);
            return new Attempt(status, status / 100 == 2 ? null : "HTTP " + status + " from the receiver");
        } catch (IOException e) {
            if (expired.get() || e instanceof SocketTimeoutException) {
                return new Attempt(null, late(where));
            }
            if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                    || e instanceof SSLException) {
                return new Attempt(null, "cannot connect to " + where + " (" + text(e) + ")");
            }
            // connected, but what came back is not an HTTP answer within the limits (MAX_LINE, MAX_HEADERS)
            return new Attempt(null, "no usable answer from " + where + " (" + text(e) + ")");
        } catch (RuntimeException e) {
            // the library's parse errors of a malformed answer are unchecked (e.g. ParseException)
            return new Attempt(null, "no usable answer from " + where + " (" + e + ")");
        } finally {
            guard.cancel(false);
            if (Thread.interrupted()) {
                throw new InterruptedException("stopping");
            }
        }
    }

    /** A client for one attempt: its resolver knows only this target's checked address. */
    private CloseableHttpClient client(CallbackTarget target) {
        Timeout limit = Timeout.of(timeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new PinnedResolver(target))
                        // without limits a receiver could send one endless line as fast as the network allows
                        .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                                .http1Config(Http1Config.custom().setMaxLineLength(MAX_LINE).setMaxHeaderCount(MAX_HEADERS).build()).build())
                        .setTlsSocketStrategy(tls == null ? DefaultClientTlsStrategy.createSystemDefault() : new DefaultClientTlsStrategy(tls))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(limit).setSocketTimeout(limit).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(limit).setResponseTimeout(limit)
                        .setRedirectsEnabled(false).setProtocolUpgradeEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .build();
    }

    /**
     * Answers the checked address for the URL's host, and nothing for any other name: the pinning that
     * defeats DNS rebinding. The host name itself stays the request's, for {@code Host}, SNI and the
     * certificate check.
     */
    private record PinnedResolver(CallbackTarget target) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (!bare(host).equals(bare(target.uri().getHost()))) {
                throw new UnknownHostException("'" + host + "' is not the callback's host '" + target.uri().getHost()
                        + "', the only one this attempt may reach");
            }
            return new InetAddress[] {target.address()};
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            return List.of(new InetSocketAddress(resolve(host)[0], port));
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            resolve(host);
            return host;
        }

        private static String bare(String host) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return h.toLowerCase(Locale.ROOT);
        }
    }

    private String late(String where) {
        return "no complete answer from " + where + " within " + timeout.toMillis() / 1000.0 + " s (the whole attempt's limit)";
    }

    private static String text(IOException e) {
        return e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // the exchange was aborted: closing is all that is left to do
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
