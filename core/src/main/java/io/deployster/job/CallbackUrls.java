package io.deployster.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

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

    /** @return why {@code url} cannot be a callback URL, or null when it can */
    public static String problem(String url) {
        if (url.length() > MAX_LENGTH) {
            return "at most " + MAX_LENGTH + " characters";
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getUserInfo() != null) {
                return "use an absolute http:// or https:// URL with a host and no user:password part";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a URL (" + e.getReason() + "); use an absolute http:// or https:// URL";
        }
    }
}
