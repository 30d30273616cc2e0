package io.deployster.gateway;

import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.log.LogFormat;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a job's log in the form the client asked for: plain text (as {@code deployster logs} prints it),
 * JSON lines, or Server-Sent Events; at once, or following the job until it ends.
 */
final class LogResponses {
    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    /** A comment line every this often keeps proxies from closing a quiet stream. */
    private static final long KEEPALIVE_MILLIS = 15_000;

    enum Format { TEXT, JSONL, SSE }

    private final LogFollower follower;
    private final LogHub hub;

    LogResponses(LogFollower follower, LogHub hub) {
        this.follower = follower;
        this.hub = hub;
    }

    static Format format(Context ctx) {
        String f = ctx.queryParam("format");
        String accept = ctx.header("Accept") == null ? "" : ctx.header("Accept").toLowerCase(Locale.ROOT);
        if (f != null) {
            return switch (f) {
                case "text" -> Format.TEXT;
                case "jsonl" -> Format.JSONL;
                case "sse" -> Format.SSE;
                default -> throw ApiError.of(400, "format", f, "text, jsonl or sse", "unknown log format");
            };
        }
        if (accept.contains("text/event-stream")) {
            return Format.SSE;
        }
        if (accept.contains("application/x-ndjson") || accept.contains("application/jsonl")) {
            return Format.JSONL;
        }
        return Format.TEXT;
    }

    /** The entry id to read after: Last-Event-ID (SSE resume), else ?after=, else the start. */
    static String after(Context ctx) {
        String v = ctx.header("Last-Event-ID");
        String field = "Last-Event-ID";
        if (v == null || v.isBlank()) {
            v = ctx.queryParam("after");
            field = "after";
        }
        if (v == null || v.isBlank()) {
            return LogFollower.START;
        }
        if (!ENTRY_ID.matcher(v.trim()).matches()) {
            throw ApiError.of(400, field, v, "a log entry id such as 1767225600000-3, as sent in an event's id", "not a log entry id");
        }
        return v.trim();
    }

    /** Writes the entries there now and returns. */
    void snapshot(Context ctx, String jobId, String after, Format format) throws IOException {
        begin(ctx, format);
        OutputStream out = ctx.res().getOutputStream(); // Javalin's own stream holds writes until the handler returns
        String last = after;
        while (true) {
            List<LogEntry> page = follower.read(jobId, last, 5000);
            for (LogEntry e : page) {
                write(out, e, format);
                last = e.id();
            }
            if (page.size() < 5000) {
                break;
            }
        }
        out.flush();
    }

    /** Writes entries as they come, flushing each batch, until the job's 'finished' entry or the client leaves. */
    void follow(Context ctx, String jobId, String after, Format format) throws IOException, InterruptedException {
        begin(ctx, format);
        OutputStream out = ctx.res().getOutputStream(); // Javalin's own stream holds writes until the handler returns
        out.flush(); // headers now, so the client knows the stream is live
        try (LogSubscription sub = hub.subscribe(jobId, after)) {
            while (true) {
                LogSubscription.Item item = sub.next(KEEPALIVE_MILLIS);
                if (item == null) {
                    if (format == Format.SSE) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    continue;
                }
                if (item.end() != null) {
                    String why = switch (item.end()) {
                        case JOB_GONE -> "the job expired from Redis while it was followed";
                        case TOO_SLOW -> "this follower fell too far behind; resume from the last entry id received";
                        case HUB_CLOSED -> "the gateway is shutting down; resume from the last entry id received";
                    };
                    writeNote(out, why, format);
                    out.flush();
                    return;
                }
                write(out, item.entry(), format);
                // flush per entry only when nothing else is queued: a burst goes out in one write
                if (item.entry().isFinished()) {
                    out.flush();
                    return;
                }
                LogSubscription.Item more;
                while ((more = sub.next(0)) != null) {
                    if (more.end() != null || more.entry().isFinished()) {
                        if (more.entry() != null) {
                            write(out, more.entry(), format);
                            out.flush();
                            return;
                        }
                        writeNote(out, "the log ended early: " + more.end(), format);
                        out.flush();
                        return;
                    }
                    write(out, more.entry(), format);
                }
                out.flush();
            }
        }
    }

    private static void begin(Context ctx, Format format) {
        ctx.status(200);
        switch (format) {
            case TEXT -> ctx.contentType("text/plain; charset=utf-8");
            case JSONL -> ctx.contentType("application/x-ndjson; charset=utf-8");
            case SSE -> {
                ctx.contentType("text/event-stream; charset=utf-8");
                ctx.header("Cache-Control", "no-cache");
                ctx.header("X-Accel-Buffering", "no"); // nginx: pass events on at once
            }
        }
    }

    static Map<String, Object> json(LogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.putAll(new java.util.TreeMap<>(e.fields()));
        String text = LogFormat.render(e);
        if (!e.isLine() && text != null) {
            m.put("text", text);
        }
        return m;
    }

    private static void write(OutputStream out, LogEntry e, Format format) throws IOException {
        String text;
        switch (format) {
            case TEXT -> {
                String line = LogFormat.render(e);
                if (line == null) {
                    return;
                }
                text = line + "\n";
            }
            case JSONL -> text = Json.write(json(e)) + "\n";
            default -> text = "id: " + e.id() + "\ndata: " + Json.write(json(e)) + "\n\n";
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeNote(OutputStream out, String message, Format format) throws IOException {
        String text = switch (format) {
            case TEXT -> "[deployster] " + message + "\n";
            case JSONL -> Json.write(Map.of("e", "gateway", "message", message)) + "\n";
            case SSE -> "event: gateway\ndata: " + Json.write(Map.of("message", message)) + "\n\n";
        };
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
