package io.deployster.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, checked Redis address: redis://[user:password@]host[:port][/db] or rediss:// for TLS, or
 * a Sentinel-monitored primary: redis-sentinel://[user:password@]s1[:port],s2[:port]/MASTER[?db=N]
 * (rediss-sentinel:// for TLS; see {@link SentinelAddress}). Either form may end with the write
 * durability: ?min-replicas-acked=N&amp;replica-ack-timeout=500ms (see {@link Durability}).
 */
public record RedisUri(URI uri) {
    public static final String ENV = "DEPLOYSTER_REDIS";
    static final String ALLOWED = "use redis://[user:password@]host[:port][/db], rediss://... for TLS, or "
            + "redis-sentinel://[user:password@]host1[:port],host2[:port],.../MASTERNAME[?db=N] (rediss-sentinel:// for TLS)";
    private static final Set<String> SINGLE = Set.of("redis", "rediss");
    private static final Set<String> SENTINEL = Set.of("redis-sentinel", "rediss-sentinel");

    /** @throws IllegalArgumentException naming the value, the wrong part and the accepted forms */
    public static RedisUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Redis URI is missing; " + ALLOWED + " (or set " + ENV + ")");
        }
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme();
            // Set.of(...).contains(null) throws: a bare word such as 'localhost' has no scheme
            if (scheme == null || !SINGLE.contains(scheme) && !SENTINEL.contains(scheme)) {
                throw new IllegalArgumentException("Redis URI '" + redact(text) + "' "
                        + (scheme == null ? "has no scheme" : "has scheme '" + scheme + "'") + "; " + ALLOWED);
            }
            // a '/', '?' or '#' typed unencoded in a password ends the authority early, and the rest of
            // the password would be read (and named in messages) as a port, path or host
            int at = text.trim().lastIndexOf('@');
            String authority = uri.getRawAuthority();
            if (at >= 0 && (authority == null || !text.trim().startsWith(scheme + "://" + authority)
                    || scheme.length() + 3 + authority.lastIndexOf('@') != at)) {
                throw new IllegalArgumentException("Redis URI '" + redact(text) + "' has a user name or password holding a character "
                        + "that ends the address ('/', '?', '#' or '@'); percent-encode it (/ as %2F, ? as %3F, # as %23, @ as %40), "
                        + "e.g. redis://user:pa%2Fss@host:6379");
            }
            RedisUri parsed = new RedisUri(uri);
            if (parsed.sentinel()) {
                SentinelAddress.parse(parsed); // checks hosts, ports, master name and db
            } else {
                String port = parsed.portText();
                if (port != null && !port.isEmpty() && !port.matches("0*[1-9]\\d{0,4}") || uri.getPort() > 65_535) {
                    throw new IllegalArgumentException("Redis URI '" + redact(text) + "' has port '" + port
                            + "'; the port is a number from 1 to 65535, e.g. redis://127.0.0.1:6379");
                }
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("Redis URI '" + redact(text) + "' names no host; " + ALLOWED);
                }
                String path = uri.getPath();
                if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
                    throw new IllegalArgumentException("Redis URI '" + redact(text) + "' has database '" + path.substring(1)
                            + "'; the database is a number, e.g. /0");
                }
            }
            parsed.durability(); // checks the durability parameters
            return parsed;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Redis URI '" + redact(text) + "' is not a URI (" + e.getReason() + "); " + ALLOWED);
        }
    }

    public boolean tls() {
        return "rediss".equals(uri.getScheme()) || "rediss-sentinel".equals(uri.getScheme());
    }

    /** True for redis-sentinel:// and rediss-sentinel://: the primary is found through Sentinel. */
    public boolean sentinel() {
        return SENTINEL.contains(uri.getScheme());
    }

    /** @throws IllegalStateException when this is not a Sentinel URI */
    public SentinelAddress sentinelAddress() {
        if (!sentinel()) {
            throw new IllegalStateException("not a Sentinel URI: " + this);
        }
        return SentinelAddress.parse(this);
    }

    /** The durability the URI asks for ({@link Durability#NONE} when it says nothing). */
    public Durability durability() {
        Map<String, String> query = query();
        return Durability.of(query.get(Durability.MIN_REPLICAS_PARAM), query.get(Durability.TIMEOUT_PARAM),
                "Redis URI '" + this + "'");
    }

    /** The decoded user:password (or :password, or user) before the host(s); null when there is none. */
    public String userInfo() {
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return at < 0 ? null : decode(authority.substring(0, at));
    }

    /** The ACL user name, or null for the default user. */
    public String user() {
        String info = userInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        return user.isEmpty() ? null : user;
    }

    /** The password, or null when the URI has none. */
    public String password() {
        String info = userInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        return colon < 0 ? null : info.substring(colon + 1);
    }

    // java.net.URI gives no port, and no host either, when the port is not digits: read it from the text
    private String portText() {
        String hosts = hosts();
        int colon = hosts.lastIndexOf(':');
        return colon < 0 || colon < hosts.lastIndexOf(']') ? null : hosts.substring(colon + 1);
    }

    /** The authority without its user info: host[:port], or the Sentinel list. */
    String hosts() {
        String authority = uri.getRawAuthority();
        return authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    }

    /** The query's name=value pairs; a name this project does not know is an error naming it. */
    Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        Set<String> known = sentinel() ? Set.of("db", SentinelAddress.AUTH_PARAM, Durability.MIN_REPLICAS_PARAM, Durability.TIMEOUT_PARAM)
                : Set.of(Durability.MIN_REPLICAS_PARAM, Durability.TIMEOUT_PARAM);
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!known.contains(name)) {
                throw new IllegalArgumentException("Redis URI '" + this + "' has parameter '" + name + "'; allowed: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            out.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URI without its password, for logs and messages. */
    @Override
    public String toString() {
        return redact(uri.toString());
    }

    /**
     * The text with the password of a URI in it replaced by ****: everything between the user name's
     * colon and the last '@', since a password typed without percent-encoding may hold '/', '@', '?'
     * or '#' (a base64 one often does), and such a URI is the one whose error message prints it.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (scheme < 0 || at < scheme + 3) {
            return text;
        }
        int colon = text.indexOf(':', scheme + 3);
        if (colon < 0 || colon > at) {
            return text; // a user name alone
        }
        return text.substring(0, colon + 1) + "****" + text.substring(at);
    }
}
