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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * A job's log as server-sent events, from the start (or the browser's Last-Event-ID after a reconnect)
 * until its 'finished' entry. What it sends is what the worker wrote: secrets were masked before the
 * lines reached Redis, so nothing here can show them.
 *
 * <p>Each open log is followed on a thread of its own and a Redis connection of the page's own pool,
 * neither the API's: the HTTP threads and the API's connections stay free for the API and /metrics
 * however many pages are open. At most {@value #MAX_OPEN} logs are followed at once; one more gets 503
 * with Retry-After.
 */
final class LogStream {
    static final int MAX_OPEN = 32;
    private static final Gson GSON = new Gson();

    private final LogFollower follower;
    private final Semaphore open = new Semaphore(MAX_OPEN);
    // a thread per open log, made when one opens and gone a minute after it closed; daemon threads, so
    // a page left open does not hold the gateway's exit
    private final ExecutorService followers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ops-page-log");
        t.setDaemon(true);
        return t;
    });

    LogStream(LogFollower follower) {
        this.follower = follower;
    }

    /**
     * @param exists whether the job is still in Redis
     * @param ended whether the job has ended (a resume after its last entry then ends at once)
     */
    void serve(Context ctx, String jobId, Predicate<String> exists, Predicate<String> ended) throws IOException {
        if (!open.tryAcquire()) {
            ctx.status(503).header("Retry-After", "5");
            throw new OpsWeb.WebError(503, MAX_OPEN + " job logs are open on the operations page, the most it follows at once; "
                    + "close some pages, or try again later");
        }
        try {
            String after = ctx.header("Last-Event-ID");
            String from = after == null || !after.matches("\\d{1,20}-\\d{1,20}") ? LogFollower.START : after;
            ctx.status(200).contentType("text/event-stream; charset=utf-8");
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Accel-Buffering", "no");
            // Javalin's own result stream is sent when the handler returns: events must go out as they come
            OutputStream out = ctx.res().getOutputStream();
            out.write(": log of job\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            ctx.req().startAsync().setTimeout(0); // as long as the job runs; a gone page is noticed by a failed write
            ctx.future(() -> CompletableFuture.runAsync(() -> follow(out, jobId, from, exists, ended), followers)
                    .whenComplete((done, error) -> open.release()));
        } catch (IOException | RuntimeException e) {
            open.release();
            throw e;
        }
    }

    private void follow(OutputStream out, String jobId, String after, Predicate<String> exists, Predicate<String> ended) {
        try {
            follower.follow(jobId, after, entry -> send(out, entry), id -> {
                // after each quiet second: a comment keeps proxies from closing the stream and tells us the page is gone
                write(out, ": keep-alive\n\n");
                return exists.test(id);
            }, ended);
        } catch (UncheckedIOException pageClosed) {
            // the browser left: nothing to tell anyone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
