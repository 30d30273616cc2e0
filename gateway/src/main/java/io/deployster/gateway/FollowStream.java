package io.deployster.gateway;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One following client's response (SSE, {@code ?follow=true}), written with the servlet API's
 * non-blocking output: the hub queues encoded entries here on its thread, and whichever thread finds
 * the connection writable (the hub's, or Jetty's through {@link #onWritePossible}) writes them out.
 * No thread waits for the client.
 *
 * <p>A client that does not keep up fills its queue up to {@link #MAX_QUEUED_BYTES}; the hub then
 * pauses it and resumes it from Redis, right after the last entry queued, once the queue is half
 * empty. Its response thus stays exact (no gap, no duplicate) whatever its speed, costs at most that
 * much memory, and never delays other clients. {@link #done} completes once the response is over:
 * the log ended and was written, or the client left (a failed write).
 */
final class FollowStream implements LogSubscription.Listener, WriteListener, AsyncListener {
    private static final Logger LOG = Logger.getLogger(FollowStream.class.getName());
    /** Bytes queued for one client beyond which the hub pauses it. */
    static final int MAX_QUEUED_BYTES = 1 << 20;
    private static final byte[] KEEPALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final String jobId;
    private final ServletOutputStream out;
    private final LogResponses.Format format;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private volatile LogSubscription subscription;
    // guarded by this
    private int queuedBytes;
    private boolean unflushed = true; // the headers: the first flush tells the client the stream is live
    private boolean ending;
    private boolean paused;
    private boolean over;
    private long lastWriteNanos = System.nanoTime();

    FollowStream(String jobId, ServletOutputStream out, LogResponses.Format format) {
        this.jobId = jobId;
        this.out = out;
        this.format = format;
    }

    /** The hub's subscription for this client, to pause, resume and release; set before the first entry can come. */
    void attach(LogSubscription subscription) {
        this.subscription = subscription;
    }

    LogSubscription subscription() {
        return subscription;
    }

    @Override
    public boolean offer(SharedEntry entry) {
        synchronized (this) {
            if (over || ending) {
                return true; // nothing more is written; the subscription is being released
            }
            byte[] bytes = entry.bytes(format);
            if (queuedBytes + bytes.length > MAX_QUEUED_BYTES && !queue.isEmpty()) {
                paused = true;
                return false;
            }
            if (bytes.length > 0) {
                queue.add(bytes);
                queuedBytes += bytes.length;
            }
            if (entry.entry().isFinished()) {
                ending = true;
            }
            return true;
        }
    }

    @Override
    public void flush() {
        pump();
    }

    @Override
    public void end(LogSubscription.End why) {
        String message = switch (why) {
            case JOB_GONE -> "the job expired from Redis while it was followed";
            case PAST_END -> "the job ended before the entry this follow resumed after: its log has nothing more";
            case HUB_CLOSED -> "the gateway is shutting down; resume from the last entry id received";
        };
        synchronized (this) {
            if (!ending) {
                queue.add(LogResponses.note(message, format));
                ending = true;
            }
        }
        pump();
    }

    /** Adds an SSE comment when nothing was written for {@code quietNanos}, so proxies keep the stream open and a gone client is noticed. */
    void keepAlive(long quietNanos) {
        synchronized (this) {
            if (format != LogResponses.Format.SSE || over || !queue.isEmpty() || System.nanoTime() - lastWriteNanos < quietNanos) {
                return;
            }
            queue.add(KEEPALIVE);
            queuedBytes += KEEPALIVE.length;
        }
        pump();
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    /** Writes what is queued while the connection takes it without blocking; Jetty calls back when it can take more. */
    private void pump() {
        boolean resume = false;
        boolean finish = false;
        synchronized (this) {
            if (over) {
                return;
            }
            try {
                while (out.isReady()) {
                    byte[] next = queue.poll();
                    if (next == null) {
                        if (unflushed) {
                            unflushed = false;
                            out.flush();
                            continue;
                        }
                        if (ending) {
                            over = true; // everything, the last entry included, has been written out
                            finish = true;
                        }
                        break;
                    }
                    queuedBytes -= next.length;
                    out.write(next);
                    unflushed = true;
                    lastWriteNanos = System.nanoTime();
                }
                if (paused && queuedBytes <= MAX_QUEUED_BYTES / 2) {
                    paused = false;
                    resume = true;
                }
            } catch (IOException | IllegalStateException e) {
                over = true; // the client left; its response cannot go on
                finish = true;
            }
        }
        // outside this lock: the hub calls offer() with its own lock held
        LogSubscription sub = subscription;
        if (resume && sub != null) {
            sub.resume();
        }
        if (finish) {
            finish();
        }
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
        }
        LOG.log(Level.FINE, "a follower of job " + jobId + " left: " + t);
        finish();
    }

    private void finish() {
        LogSubscription sub = subscription;
        if (sub != null) {
            sub.close();
        }
        synchronized (this) {
            queue.clear();
            queuedBytes = 0;
        }
        done.complete(null);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        onError(new IOException("response completed"));
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        onError(new IOException("response timed out"));
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable() == null ? new IOException("connection error") : event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    boolean isOver() {
        synchronized (this) {
            return over;
        }
    }
}
