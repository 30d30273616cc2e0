package io.deployster.callback;

import io.deployster.log.LogFollower;
import io.deployster.protocol.JobField;
import io.deployster.protocol.Reply;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.Script;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import io.deployster.workflow.WorkflowStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the callbacks of the jobs and workflows this worker ended. {@link #ended} only schedules
 * work on the dispatcher's own threads and returns at once: a job's end and its lock hand-off never
 * wait for a receiver. Each delivery resolves and checks the URL's host once ({@link CallbackTarget}),
 * then POSTs the body, signed afresh for each attempt ({@link CallbackSignature}), until a 2xx answer or
 * until the {@link RetryPolicy} gives up, and records every step on the hash ({@link Delivery}).
 * Deliveries still retrying when the worker stops are dropped (their record stays {@code sending}).
 */
public final class CallbackDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallbackDispatcher.class.getName());

    private final Redis redis;
    private final Keys keys;
    private final KeyRing ring;
    private final CallbackAddresses rules;
    private final RetryPolicy retry;
    private final Clock clock;
    private final CallbackPayloads payloads;
    private final CallbackSender sender;
    /** callback-record.lua: writes the record only while the hash exists, so an expired job does not come back as a bare record. */
    private final Script recordScript;
    private final ScheduledThreadPoolExecutor threads;
    /** Attempts made at the same time. */
    static final int THREADS = 4;

    /**
     * @param ring the first key signs each body; empty: bodies go unsigned (and the record says so)
     * @param workflows reads a workflow's task results for its body
     */
    public CallbackDispatcher(Redis redis, Keys keys, KeyRing ring, CallbackAddresses rules, RetryPolicy retry, Clock clock,
                              WorkflowStore workflows) {
        this.redis = redis;
        this.keys = keys;
        this.ring = ring == null ? KeyRing.empty() : ring;
        this.rules = rules;
        this.retry = retry;
        this.clock = clock;
        this.payloads = new CallbackPayloads(workflows, new LogFollower(redis, keys));
        this.recordScript = Script.load("callback-record", keys);
        this.sender = new CallbackSender(retry);
        // each attempt holds a thread for at most retry.requestTimeout(), and attempts run in the order
        // they fall due: one due behind N stuck attempts waits up to ceil(N / THREADS) request timeouts
        // (docs/security.md states this limit)
        this.threads = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "callbacks");
            t.setDaemon(true);
            return t;
        });
        threads.setRemoveOnCancelPolicy(true);
    }

    /** A job or workflow ended here: deliver its callback, if it has one, in the background. Never blocks. */
    public void ended(String id) {
        try {
            threads.execute(() -> prepare(id, 1, clock.millis()));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "job {0}: its callback is not sent: the worker is stopping", id);
        }
    }

    // Reads what ended and builds the body; a Redis outage is retried under the same policy as the POST.
    private void prepare(String id, int tries, long since) {
        Map<String, String> hash;
        byte[] body;
        try {
            hash = redis.hash(keys.job(id));
            if (hash.isEmpty() || CallbackPayloads.url(hash) == null) {
                return;
            }
            body = CallbackPayloads.isWorkflow(hash) ? payloads.workflow(id, hash) : payloads.job(id, hash);
        } catch (RuntimeException e) {
            if (clock.millis() - since + retry.delayAfter(tries).toMillis() > retry.giveUpAfter().toMillis()) {
                LOG.log(Level.ERROR, "job {0}: its callback is not sent: its result could not be read from Redis ({1})", id, e.toString());
                return;
            }
            LOG.log(Level.WARNING, "job {0}: cannot read its result for the callback ({1}); retrying in {2} ms", id, e.toString(),
                    retry.delayAfter(tries).toMillis());
            schedule(() -> prepare(id, tries + 1, since), retry.delayAfter(tries).toMillis());
            return;
        }
        String url = CallbackPayloads.url(hash);
        String project = hash.get(JobField.PROJECT);
        String signedWith = ring.isEmpty() ? null : ring.signingKey().id();
        CallbackTarget target;
        try {
            target = CallbackTarget.resolve(url, project, rules);
        } catch (CallbackRefusedException e) {
            LOG.log(Level.WARNING, "job {0} of project {1}: callback not sent: {2}", id, project, e.getMessage());
            record(id, new Delivery(url, Delivery.REFUSED, 0, null, e.getMessage(), signedWith, clock.millis(), null));
            return;
        } catch (RuntimeException e) {
            String why = "its target could not be prepared (" + e + ")";
            LOG.log(Level.WARNING, "job {0} of project {1}: callback to {2} not sent: {3}", id, project, url, why);
            record(id, new Delivery(url, Delivery.FAILED, 0, null, why, signedWith, clock.millis(), null));
            return;
        }
        attempt(new Pending(id, project, target, body, clock.millis()), 1, null);
    }

    /** One delivery: what to send where, since when. */
    private record Pending(String id, String project, CallbackTarget target, byte[] body, long first) {
    }

    /** Attempt {@code n}; {@code lastError} is what went wrong in attempt n-1 (null for the first). */
    private void attempt(Pending p, int n, String lastError) {
        String id = p.id();
        String project = p.project();
        CallbackTarget target = p.target();
        byte[] body = p.body();
        long first = p.first();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "deployster-callback");
        headers.put("Deployster-Job", id);
        headers.put("Deployster-Attempt", Integer.toString(n));
        SigningKey key = ring.isEmpty() ? null : ring.signingKey();
        if (key != null) {
            headers.put(CallbackSignature.HEADER, CallbackSignature.sign(key, clock.millis(), body));
        }
        String url = target.uri().toString();
        // recorded before the request: status shows an attempt in progress, not nothing
        record(id, new Delivery(url, Delivery.SENDING, n, null, lastError, key == null ? null : key.id(), clock.millis(), null));
        CallbackSender.Attempt a;
        try {
            a = sender.post(target, body, headers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            // a fault of ours or of the library must end the attempt like any failure, never leave 'sending' forever
            LOG.log(Level.WARNING, "job {0}: callback attempt {1} to {2} failed unexpectedly: {3}", id, n, url, e.toString());
            a = new CallbackSender.Attempt(null, "the attempt failed unexpectedly (" + e + ")");
        }
        long now = clock.millis();
        String keyId = key == null ? null : key.id();
        if (a.delivered()) {
            LOG.log(Level.INFO, "job {0}: callback delivered to {1} (HTTP {2}, attempt {3})", id, url, a.status(), n);
            record(id, new Delivery(url, Delivery.DELIVERED, n, a.status(), null, keyId, now, now));
            return;
        }
        long delay = retry.delayAfter(n).toMillis();
        if (now + delay - first > retry.giveUpAfter().toMillis()) {
            LOG.log(Level.WARNING, "job {0} of project {1}: callback to {2} given up after {3} attempt(s) in {4} s; last: {5}", id, project,
                    url, n, (now - first) / 1000, a.error());
            record(id, new Delivery(url, Delivery.FAILED, n, a.status(), a.error(), keyId, now, null));
            return;
        }
        LOG.log(Level.WARNING, "job {0}: callback to {1} failed ({2}); attempt {3} in {4} ms", id, url, a.error(), n + 1, delay);
        record(id, new Delivery(url, Delivery.SENDING, n, a.status(), a.error(), keyId, now, null));
        String error = a.error();
        schedule(() -> attempt(p, n + 1, error), delay);
    }

    private void schedule(Runnable r, long delayMillis) {
        try {
            threads.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: the record stays 'sending', as documented
        }
    }

    private void record(String id, Delivery d) {
        try {
            // UNKNOWN: the job's hash expired before its callback ended; there is nothing left to record on
            recordScript.run(redis, List.of(keys.job(id)), List.of(d.toJson())).expect(Reply.Code.OK, Reply.Code.UNKNOWN);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "job {0}: callback {1}, but Redis could not record it ({2})", id, d.state(), e.toString());
        }
    }

    /** Stops: running attempts are interrupted, scheduled retries dropped. */
    @Override
    public void close() {
        threads.shutdownNow();
        sender.close();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
