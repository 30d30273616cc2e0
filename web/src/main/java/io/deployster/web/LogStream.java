package io.deployster.web;

import com.google.gson.Gson;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.log.LogFormat;
import io.deployster.protocol.LogField;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A job's log as server-sent events, from the start (or the browser's Last-Event-ID after a reconnect)
 * until its 'finished' entry. What it sends is what the worker wrote: secrets were masked before the
 * lines reached Redis, so nothing here can show them.
 */
final class LogStream {
    private static final Gson GSON = new Gson();

    private final LogFollower follower;

    LogStream(LogFollower follower) {
        this.follower = follower;
    }

    void serve(Context ctx, String jobId, Predicate<String> exists) throws IOException, InterruptedException {
        String after = ctx.header("Last-Event-ID");
        if (after == null || !after.matches("\\d{1,20}-\\d{1,20}")) {
            after = LogFollower.START;
        }
        ctx.status(200).contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        // Javalin's own result stream is sent when the handler returns: events must go out as they come
        OutputStream out = ctx.res().getOutputStream();
        out.write(": log of job\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            follower.follow(jobId, after, entry -> send(out, entry), id -> {
                // after each quiet second: a comment keeps proxies from closing the stream and tells us the page is gone
                write(out, ": keep-alive\n\n");
                return exists.test(id);
            });
        } catch (UncheckedIOException pageClosed) {
            // the browser left: nothing to tell anyone
        }
    }

    private static void send(OutputStream out, LogEntry e) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (e.isLine()) {
            data.put("kind", "line");
            data.put("stream", e.stream());
            data.put("text", e.text());
        } else if (e.isPartial()) {
            data.put("kind", "partial");
            data.put("stream", e.stream());
            data.put("text", e.partialText());
        } else {
            data.put("kind", e.isFinished() ? "finished" : "event");
            data.put("event", e.event());
            data.put("text", LogFormat.render(e));
            if (e.isFinished()) {
                data.put("status", e.field(LogField.STATUS));
                data.put("reason", e.field(LogField.REASON));
            }
        }
        data.put("ts", e.timestamp());
        write(out, "id: " + e.id() + "\ndata: " + GSON.toJson(data) + "\n\n");
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
