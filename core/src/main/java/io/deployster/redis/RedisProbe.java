package io.deployster.redis;

import io.deployster.jenkins.credentials.RedisAddress;
import io.deployster.secret.CredentialMasks;
import io.deployster.secret.Masker;
import java.util.Locale;

/** The admin's "Test connection": can this Jenkins reach Redis, how fast, which version. */
public final class RedisProbe {
    private RedisProbe() {
    }

    /** @param ok true when Redis answered PING */
    public record Result(boolean ok, String message) {
    }

    /**
     * @param uri the URI to connect with, credentials included; only its redacted form is reported
     */
    public static Result ping(String uri) {
        RedisUri parsed;
        try {
            parsed = RedisUri.parse(uri);
        } catch (IllegalArgumentException e) {
            return new Result(false, RedisAddress.redact(e.getMessage()));
        }
        Masker masker = CredentialMasks.of(parsed.password());
        try (Redis redis = new Redis(parsed, 1)) {
            long start = System.nanoTime();
            String pong = redis.call(j -> j.ping());
            double millis = (System.nanoTime() - start) / 1e6;
            String version = redis.call(j -> serverVersion(j.info("server")));
            return new Result("PONG".equalsIgnoreCase(pong), String.format(Locale.ROOT,
                    "Connected to %s: %s in %.1f ms, Redis %s", parsed, pong, millis, version));
        } catch (RedisUnavailableException e) {
            return new Result(false, "Cannot reach Redis at " + parsed + ": " + e.reason());
        } catch (RedisCommandException e) {
            return new Result(false, "Cannot use Redis at " + parsed + ": " + masker.mask(e.redisError()));
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && !why.contains(cause.getMessage())) {
                why += " (" + cause.getMessage() + ")";
            }
            return new Result(false, "Cannot use Redis at " + parsed + ": " + masker.mask(why));
        }
    }

    static String serverVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).strip();
            }
        }
        return "(version unknown)";
    }
}
