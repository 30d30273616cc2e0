package io.deployster.callback;

import io.deployster.job.CallbackUrls;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * A callback URL whose host was resolved once and every address of it checked, with the address the
 * request goes to. Connecting to that address (not resolving the name again) is what defeats DNS
 * rebinding: a name that answered with a public address for the check cannot answer with an internal
 * one for the connection.
 *
 * @param address the checked address the request connects to
 * @param port the URL's port, or 80/443 by scheme
 */
public record CallbackTarget(URI uri, InetAddress address, int port) {

    public boolean https() {
        return "https".equals(uri.getScheme());
    }

    /**
     * @throws CallbackRefusedException when the URL is malformed, its host does not resolve, or any of its addresses may not be called
     */
    public static CallbackTarget resolve(String url, String project, CallbackAddresses rules) throws CallbackRefusedException {
        String shape = CallbackUrls.problem(url);
        if (shape != null) {
            throw new CallbackRefusedException("callback URL '" + url + "' is not usable: " + shape);
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new CallbackRefusedException("callback host '" + host + "' does not resolve on this worker");
        }
        // every address must pass: the one used is then allowed whatever order the resolver gave
        for (InetAddress a : all) {
            String why = rules.refusal(project, a);
            if (why != null) {
                throw new CallbackRefusedException("callback to " + url + " refused: host '" + host + "' resolves to " + why);
            }
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return new CallbackTarget(uri, all[0], port);
    }
}
