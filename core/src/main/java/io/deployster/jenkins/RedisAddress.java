package io.deployster.jenkins;

import io.deployster.redis.RedisUri;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The Redis URI a client connects with: the configured address plus the password (and ACL user) from
 * a Jenkins credential. The result holds a secret: use it to connect, never print or store it.
 */
public final class RedisAddress {
    private RedisAddress() {
    }

    /**
     * @param uri redis://host[:port][/db] or rediss://...
     * @param user ACL user name, or null for the default user
     * @param password the password, or null to connect without one
     * @return the URI to connect with; credentials given here replace any in {@code uri}
     * @throws IllegalArgumentException when {@code uri} is not a Redis URI
     */
    public static String withCredentials(String uri, String user, String password) {
        URI parsed = RedisUri.parse(uri).uri();
        if (password == null || password.isEmpty()) {
            return parsed.toString();
        }
        String userInfo = (user == null ? "" : user) + ":" + password;
        try {
            URI result = new URI(parsed.getScheme(), userInfo, parsed.getHost(), parsed.getPort(),
                    parsed.getPath() == null || parsed.getPath().isEmpty() ? null : parsed.getPath(), null, null);
            return result.toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot add the credentials to Redis URI " + redact(uri) + ": " + e.getReason());
        }
    }

    /** The text with any password in a URI replaced by ****, for messages. */
    public static String redact(String text) {
        return text == null ? null : text.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:****@");
    }
}
