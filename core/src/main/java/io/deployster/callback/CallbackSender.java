package io.deployster.callback;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One POST of a callback with the JDK HTTP client. Redirects are not followed (a redirect could lead
 * to an address nobody checked). For {@code http://} the connection goes to the checked address: the
 * client is given that address as its only route (as an HTTP proxy, so the request line carries the
 * absolute URL and {@code Host} stays the URL's host, which every HTTP/1.1 server must accept). For
 * {@code https://} the JDK client resolves the name itself; a rebinding to another address then fails
 * the TLS handshake unless that host holds a valid certificate for the name (docs/security.md).
 */
final class CallbackSender {
    /** The outcome of one attempt: an HTTP status, or an error text when no answer came. */
    record Attempt(Integer status, String error) {
        boolean delivered() {
            return status != null && status / 100 == 2;
        }
    }

    private final Duration timeout;
    /** For https: no pinning is possible (see above), so one client serves every delivery. */
    private final HttpClient shared;

    CallbackSender(Duration timeout) {
        this.timeout = timeout;
        this.shared = builder().build();
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
    }

    /** The client for every attempt of one delivery: for http, one whose only route is the checked address. */
    HttpClient clientFor(CallbackTarget target) {
        return target.https() ? shared : builder().proxy(new Pinned(new InetSocketAddress(target.address(), target.port()))).build();
    }

    Attempt post(HttpClient client, CallbackTarget target, byte[] body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(target.uri()).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(r::header);
        try {
            HttpResponse<Void> response = client.send(r.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Attempt(status, status / 100 == 2 ? null : "HTTP " + status + " from the receiver");
        } catch (HttpTimeoutException e) {
            return new Attempt(null, "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            String what = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
            return new Attempt(null, "cannot connect to " + target.address().getHostAddress() + ":" + target.port() + " (" + what + ")");
        }
    }

    /** Every request of this client goes to the one checked address. */
    private static final class Pinned extends ProxySelector {
        private final InetSocketAddress address;

        Pinned(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(new Proxy(Proxy.Type.HTTP, address));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // the attempt reports the failure itself
        }
    }
}
