package io.deployster.redis;

import java.net.URI;
import java.net.URISyntaxException;

/** A parsed, checked Redis address: redis://[user:password@]host[:port][/db] or rediss:// for TLS. */
public record RedisUri(URI uri) {
    public static final String ENV = "DEPLOYSTER_REDIS";

    /** @throws IllegalArgumentException naming the value and the accepted forms */
    public static RedisUri parse(String text) {
        String allowed = "use redis://[user:password@]host[:port][/db] or rediss://... for TLS";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Redis URI is missing; " + allowed + " (or set " + ENV + ")");
        }
        try {
            URI uri = new URI(text.trim());
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("Redis URI '" + redact(text) + "' has scheme '" + uri.getScheme() + "'; " + allowed);
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("Redis URI '" + redact(text) + "' names no host; " + allowed);
            }
            String path = uri.getPath();
            if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
                throw new IllegalArgumentException("Redis URI '" + redact(text) + "' has database '" + path.substring(1) + "'; the database is a number, e.g. /0");
            }
            return new RedisUri(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Redis URI '" + redact(text) + "' is not a URI (" + e.getReason() + "); " + allowed);
        }
    }

    public boolean tls() {
        return "rediss".equals(uri.getScheme());
    }

    /** The URI without its password, for logs and messages. */
    @Override
    public String toString() {
        return redact(uri.toString());
    }

    static String redact(String text) {
        return text.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:****@");
    }
}
