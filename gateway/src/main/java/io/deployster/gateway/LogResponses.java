package io.deployster.gateway;

import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.log.LogFormat;
import io.javalin.http.Context;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Writes a job's log in the form the client asked for: plain text (as {@code deployster logs} prints it),
 * JSON lines, or Server-Sent Events; at once, or following the job until it ends.
 */
final class LogResponses implements AutoCloseable {
    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    /** A comment line after this long without a write keeps proxies from closing a quiet SSE stream. */
    private static final long KEEPALIVE_NANOS = 15_000_000_000L;

    enum Format { TEXT, JSONL, SSE }

    private final LogFollower follower;
    private final LogHub hub;
    /** The responses following a log now, for the keep-alive timer. */
    private final Set<FollowStream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    LogResponses(LogFollower follower, LogHub hub) {
        this.follower = follower;
        this.hub = hub;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "deployster-gateway-keepalive");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::keepAlives, 1, 1, TimeUnit.SECONDS);
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

    /**
     * Starts writing entries as they come, until the job's 'finished' entry or the client leaves, and
     * returns at once: the response goes on without a thread of the HTTP server (see {@link FollowStream}).
     * Javalin completes it when the returned future does.
     */
    void follow(Context ctx, String jobId, String after, Format format) throws IOException {
        begin(ctx, format);
        AsyncContext async = ctx.req().startAsync();
        async.setTimeout(0); // a follow lasts as long as the job; a gone client is noticed by a failed write
        ServletOutputStream out = ctx.res().getOutputStream(); // the servlet's own: Javalin's holds writes until the handler returns
        FollowStream stream = new FollowStream(jobId, out, format);
        async.addListener(stream);
        stream.attach(hub.subscription(jobId, after, stream));
        out.setWriteListener(stream); // writes the headers at once, so the client knows the stream is live
        // written to only from here on: non-blocking output needs its listener first
        streams.add(stream);
        stream.done.whenComplete((ok, e) -> streams.remove(stream));
        hub.start(stream.subscription());
        ctx.future(() -> stream.done);
    }

    /**
     * Completes, on this class's timer thread (free to call Redis), once the job's log has its
     * 'finished' entry or the job is gone; no thread waits meanwhile.
     */
    CompletableFuture<Void> awaitEnd(String jobId) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        hub.subscribe(jobId, LogFollower.START, new LogSubscription.Listener() {
            @Override
            public boolean offer(SharedEntry entry) {
                if (entry.entry().isFinished()) {
                    ended.completeAsync(() -> null, timer);
                }
                return true;
            }

            @Override
            public void flush() {
            }

            @Override
            public void end(LogSubscription.End why) {
                ended.completeAsync(() -> null, timer);
            }
        });
        return ended;
    }

    private void keepAlives() {
        for (FollowStream s : streams) {
            s.keepAlive(KEEPALIVE_NANOS);
        }
    }

    /** Stops the keep-alive timer; followers are ended by the hub. */
    @Override
    public void close() {
        timer.shutdownNow();
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
        m.putAll(new TreeMap<>(e.fields()));
        String text = LogFormat.render(e);
        if (!e.isLine() && text != null) {
            m.put("text", text);
        }
        return m;
    }

    private static void write(OutputStream out, LogEntry e, Format format) throws IOException {
        out.write(encode(e, format));
    }

    /** The entry as {@code format} writes it; empty when the format shows nothing of it (text, a non-line event). */
    static byte[] encode(LogEntry e, Format format) {
        String text;
        switch (format) {
            case TEXT -> {
                String line = LogFormat.render(e);
                if (line == null) {
                    return new byte[0];
                }
                text = line + "\n";
            }
            case JSONL -> text = Json.write(json(e)) + "\n";
            default -> text = "id: " + e.id() + "\ndata: " + Json.write(json(e)) + "\n\n";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A message of the gateway's own in the stream, not a log entry: SSE event {@code gateway}, or a {@code [deployster]} line. */
    static byte[] note(String message, Format format) {
        String text = switch (format) {
            case TEXT -> "[deployster] " + message + "\n";
            case JSONL -> Json.write(Map.of("e", "gateway", "message", message)) + "\n";
            case SSE -> "event: gateway\ndata: " + Json.write(Map.of("message", message)) + "\n\n";
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
