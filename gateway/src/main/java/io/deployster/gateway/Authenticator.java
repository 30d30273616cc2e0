package io.deployster.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the configured token a request presents. Only hashes are kept; the presented token's hash is
 * compared with every configured one in constant time, and the loop never stops early, so timing
 * tells nothing about which token (or how much of it) matched.
 */
public final class Authenticator {
    private final List<Caller> callers = new ArrayList<>();

    public Authenticator(GatewayConfig config) {
        for (GatewayConfig.Project p : config.projects().values()) {
            for (GatewayConfig.Token t : p.tokens()) {
                callers.add(new Caller(p, t));
            }
        }
    }

    /** @return the caller, or null when the token is missing or matches none */
    public Caller authenticate(String presented) {
        byte[] hash = sha256(presented == null ? "" : presented);
        Caller found = null;
        for (Caller c : callers) {
            if (MessageDigest.isEqual(hash, c.token().sha256()) && presented != null && !presented.isEmpty()) {
                found = c;
            }
        }
        return found;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
