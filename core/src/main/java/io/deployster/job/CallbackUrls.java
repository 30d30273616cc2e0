package io.deployster.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/** The shape a callback URL must have: an absolute http(s) URL with a host. Where it may point is the worker policy's to decide. */
public final class CallbackUrls {
    private static final int MAX_LENGTH = 2000;

    private CallbackUrls() {
    }

    /** Adds a problem naming {@code field} when {@code url} is given and not an absolute http(s) URL. */
    public static void check(List<Problem> problems, String field, String url) {
        if (url == null) {
            return;
        }
        String why = problem(url);
        if (why != null) {
            problems.add(new Problem(field, url, why));
        }
    }

    /** Labels that make a host an IPv4 literal to some resolver: decimal, octal (leading 0) or hex (0x) numbers. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9A-Fa-f]*");
    private static final Pattern DOTTED_DECIMAL = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /**
     * An IPv4 address must be written as four decimal numbers without leading zeros: resolvers read
     * other forms differently ({@code 0177.0.0.1} is 127.0.0.1 to glibc's inet_aton but 177.0.0.1 to
     * Java; {@code 127.1}, {@code 2130706433}, {@code 0x7f.1} are loopback to curl), so the address
     * checked would not be the one another tool reaches.
     */
    private static String hostProblem(String host) {
        if (host.startsWith("[")) {
            return null; // IPv6: one reading only; the worker checks the address it denotes (and any IPv4 inside it)
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        boolean numeric = !h.isEmpty();
        for (String label : h.split("\\.", -1)) {
            numeric &= NUMERIC_LABEL.matcher(label).matches();
        }
        if (numeric && !DOTTED_DECIMAL.matcher(h).matches()) {
            return "host '" + host + "' is an IPv4 address in a short, octal or hex form; write it as four decimal numbers "
                    + "0-255 without leading zeros (such as 192.0.2.10), or use a host name";
        }
        return null;
    }

    /** @return why {@code url} cannot be a callback URL, or null when it can */
    public static String problem(String url) {
        if (url.length() > MAX_LENGTH) {
            return "at most " + MAX_LENGTH + " characters";
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null && uri.getRawAuthority() != null && !uri.getRawAuthority().contains("@")) {
                // java.net.URI takes 127.1 or 2130706433 for no host at all; say what is wrong with it
                String h = uri.getRawAuthority().replaceFirst(":[0-9]*$", "");
                if (hostProblem(h) != null) {
                    return hostProblem(h);
                }
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getUserInfo() != null) {
                return "use an absolute http:// or https:// URL with a host and no user:password part";
            }
            // java.net.URI takes any digits as a port; 0 would reach port 80 and above 65535 cannot be connected to
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                return "port " + uri.getPort() + " is out of range; use a port 1-65535";
            }
            return hostProblem(uri.getHost());
        } catch (URISyntaxException e) {
            return "not a URL (" + e.getReason() + "); use an absolute http:// or https:// URL";
        }
    }
}
