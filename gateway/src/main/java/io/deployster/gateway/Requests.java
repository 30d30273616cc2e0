package io.deployster.gateway;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/** What every route needs from a request: who calls, its body within limits, the gateway's public address. */
final class Requests {
    static final String TOKEN_HEADER = "x-deployster-token";

    private final GatewayConfig config;
    private final Authenticator authenticator;
    private final AuthFailureLimiter limiter;

    Requests(GatewayConfig config, Authenticator authenticator, AuthFailureLimiter limiter) {
        this.config = config;
        this.authenticator = authenticator;
        this.limiter = limiter;
    }

    /**
     * The caller, from {@code Authorization: Bearer TOKEN} or {@code x-deployster-token: TOKEN}.
     *
     * @param refused the error for a missing or wrong token (routes of other services have their own)
     * @throws ApiError 429 when the client address failed too often, else {@code refused}
     */
    Caller caller(Context ctx, Supplier<ApiError> refused) {
        String address = ctx.ip();
        limiter.checkAllowed(address);
        String token = ctx.header(TOKEN_HEADER);
        String auth = ctx.header("Authorization");
        if (token == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7).trim();
        }
        Caller caller = authenticator.authenticate(token);
        if (caller == null) {
            limiter.record(address);
            throw refused.get();
        }
        return caller;
    }

    /** The native API's refusal: 401 with a challenge. */
    static ApiError unauthenticated(Context ctx) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"deployster\"");
        boolean given = ctx.header(TOKEN_HEADER) != null || ctx.header("Authorization") != null;
        return ApiError.of(401, "Authorization", given ? "(a token that is not configured)" : null,
                "'Authorization: Bearer TOKEN' or 'x-deployster-token: TOKEN' with a token listed (as its SHA-256) in the gateway's config",
                given ? "the token is not valid" : "no token given");
    }

    /**
     * The body as text, at most the configured size.
     *
     * @param requireJson true to refuse (415) a body not sent as application/json
     * @throws ApiError 413 when it is larger, 415 when it is not JSON and JSON is required
     */
    String body(Context ctx, boolean requireJson) {
        if (requireJson) {
            String type = ctx.contentType();
            String base = type == null ? null : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!"application/json".equals(base)) {
                throw ApiError.of(415, "Content-Type", type, "application/json", "the body must be sent as application/json");
            }
        }
        long max = config.maxBodyBytes();
        long declared = ctx.contentLength(); // -1 for a chunked body
        if (declared > max) {
            throw tooLarge(declared, max);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            // a declared length is read into one array of that size: no copy buffers per request
            byte[] body = in.readNBytes((int) (declared >= 0 ? declared : max + 1));
            if (body.length > max) {
                throw tooLarge(body.length, max);
            }
            return utf8(body);
        } catch (IOException e) {
            throw ApiError.of(400, "body", null, "a complete request body", "the request body could not be read: " + e.getMessage());
        }
    }

    // new String(bytes, UTF_8) would turn a byte that is no UTF-8 into U+FFFD and store a ref or a command
    // other than the one sent: such a body is refused, naming where the first bad byte is
    private static String utf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(body);
        try {
            return decoder.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            int at = bytes.position();
            throw ApiError.of(400, "body", String.format("byte 0x%02X at offset %d", body[at] & 0xff, at), "UTF-8 text",
                    "the request body is not valid UTF-8");
        }
    }

    private static ApiError tooLarge(long size, long max) {
        return ApiError.of(413, "body", size + " bytes", "at most " + max + " bytes (maxBodyBytes in the gateway's config)",
                "the request body is too large");
    }

    /** The address clients reach the gateway at: the configured one, else the request's scheme and Host. */
    String baseUrl(Context ctx) {
        return config.baseUrl() != null ? config.baseUrl() : ctx.scheme() + "://" + ctx.host();
    }

    /** A true/false query parameter; absent is false. */
    static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.equals("false") || v.equals("0")) {
            return false;
        }
        if (v.equals("true") || v.equals("1") || v.isEmpty()) {
            return true;
        }
        throw ApiError.of(400, name, v, "true or false", "query parameter '" + name + "' is not a boolean");
    }
}
