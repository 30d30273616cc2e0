package io.deployster.gateway;

import io.deployster.web.FailedSignIns;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;

/**
 * Counts failed authentications per client address in Redis, per minute window, so every gateway
 * behind a load balancer shares the count. Past the limit, the address gets 429 until its window ends,
 * even with a right token: guessing is slowed down for everyone at that address. The operations page
 * counts its failed sign-ins here too.
 */
public final class AuthFailureLimiter implements FailedSignIns {
    private static final int WINDOW_SECONDS = 60;

    private final Redis redis;
    private final Keys keys;
    private final int perMinute;

    public AuthFailureLimiter(Redis redis, Keys keys, int perMinute) {
        this.redis = redis;
        this.keys = keys;
        this.perMinute = perMinute;
    }

    /** @throws ApiError 429 when the address has used up its failures of this minute */
    public void checkAllowed(String address) {
        long wait = secondsBlocked(address);
        if (wait > 0) {
            throw ApiError.of(429, "address", address, "at most " + perMinute + " failed authentications per minute",
                    "too many failed authentications from " + address + "; try again in " + wait + " s");
        }
    }

    @Override
    public long secondsBlocked(String address) {
        String count = redis.get(keys.gatewayAuthFailures(address));
        if (count == null || Long.parseLong(count) < perMinute) {
            return 0;
        }
        return Math.max(1L, redis.secondsToLive(keys.gatewayAuthFailures(address)));
    }

    @Override
    public void record(String address) {
        redis.countInWindow(keys.gatewayAuthFailures(address), WINDOW_SECONDS);
    }
}
