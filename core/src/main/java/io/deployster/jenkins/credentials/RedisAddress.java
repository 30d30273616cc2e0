package io.deployster.jenkins.credentials;

import io.deployster.redis.RedisUri;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Redis URI a client connects with: the configured address plus the password (and ACL user) from
 * a Jenkins credential. The result holds a secret: use it to connect, never print or store it.
 */
public final class RedisAddress {
    private RedisAddress() {
    }

    /**
     * @param uri redis://host[:port][/db], rediss://..., or redis-sentinel://s1,s2,s3/MASTER (rediss-sentinel://...)
     * @param user ACL user name, or null for the default user
     * @param password the password, or null to connect without one
     * @return the URI to connect with; credentials given here replace any in {@code uri}
     * @throws IllegalArgumentException when {@code uri} is not a Redis URI
     */
    public static String withCredentials(String uri, String user, String password) {
        RedisUri redisUri = RedisUri.parse(uri);
        URI parsed = redisUri.uri();
        if (password == null || password.isEmpty()) {
            return parsed.toString();
        }
        if (redisUri.sentinel()) {
            // several hosts: java.net.URI cannot rebuild this authority, so the parts are joined here
            String authority = parsed.getRawAuthority();
            String hosts = authority.substring(authority.lastIndexOf('@') + 1);
            return parsed.getScheme() + "://" + encode(user == null ? "" : user) + ":" + encode(password) + "@" + hosts
                    + (parsed.getRawPath() == null ? "" : parsed.getRawPath())
                    + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
        }
        String userInfo = (user == null ? "" : user) + ":" + password;
        try {
            URI result = new URI(parsed.getScheme(), userInfo, parsed.getHost(), parsed.getPort(),
                    parsed.getPath() == null || parsed.getPath().isEmpty() ? null : parsed.getPath(), parsed.getQuery(), null);
            return result.toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot add the credentials to Redis URI " + redact(uri) + ": " + e.getReason());
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The text with any password in a URI replaced by ****, for messages. */
    public static String redact(String text) {
        return io.deployster.redis.RedisUri.redact(text);
    }
}
