package io.deployster.queue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.Script;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The job life cycle in Redis: every state change is one Lua script, so producers, workers and
 * cancels never see a half-done transition (docs/protocol.md).
 */
public final class JobQueue {
    private final Redis redis;
    private final Keys keys;
    private final QueueSettings settings;
    private final JobSpecValidator validator;
    private final JobIds ids;
    private final Clock clock;
    private final Script submit;
    private final Script start;
    private final Script finish;
    private final Script reject;
    private final Script renew;
    private final Script cancel;
    private final Script sweep;
    private final Script heartbeat;

    public JobQueue(Redis redis, Keys keys, QueueSettings settings, JobSpecValidator validator, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        this.validator = validator;
        this.ids = new JobIds(clock);
        this.clock = clock;
        this.submit = Script.load("submit", keys);
        this.start = Script.load("start", keys);
        this.finish = Script.load("finish", keys);
        this.reject = Script.load("reject", keys);
        this.renew = Script.load("renew", keys);
        this.cancel = Script.load("cancel", keys);
        this.sweep = Script.load("sweep", keys);
        this.heartbeat = Script.load("heartbeat", keys);
    }

    public Keys keys() {
        return keys;
    }

    public QueueSettings settings() {
        return settings;
    }

    /** A fresh job id. */
    public String newId() {
        return ids.next();
    }

    /**
     * Validates and queues a job.
     *
     * @return the new job's id
     * @throws io.deployster.job.InvalidJobException naming every field that is wrong
     */
    public String submit(JobSpec spec) {
        String json = JobCodec.specJson(spec);
        validator.validate(spec, json);
        String id = ids.next();
        redis.run(j -> submit.eval(j, List.of(), List.of(id, json, spec.project(), spec.queueOrDefault(),
                nullToEmpty(spec.submittedBy()), now(), maxLen())));
        return id;
    }

    /**
     * What a worker must do with an entry it took.
     *
     * @param detail the lock holder (WAIT) or the job's status (SKIP)
     * @param startedEntry id of the 'started' log entry (RUN); the worker's own entries follow it
     */
    public record Start(Decision decision, String detail, String startedEntry) {
    }

    public enum Decision { RUN, WAIT, SKIP }

    public Start start(String id, String worker, String queue, String entryId, String specJson, String project) {
        List<?> reply = (List<?>) redis.call(j -> start.eval(j, List.of(), List.of(id, worker, now(), ttl(), maxLen(),
                queue, entryId, specJson, project)));
        return new Start(Decision.valueOf(((String) reply.get(0)).toUpperCase(java.util.Locale.ROOT)), (String) reply.get(1),
                (String) reply.get(2));
    }

    /**
     * Ends a job the caller ran, and hands the project lock on.
     *
     * @return false when the job had already ended (cancelled meanwhile, or marked lost)
     */
    public boolean finish(String id, JobStatus status, Integer exitCode, Integer failedCommand, String reason) {
        List<?> reply = (List<?>) redis.call(j -> finish.eval(j, List.of(), List.of(id, status.wireName(),
                text(exitCode), text(failedCommand), nullToEmpty(reason), now(), ttl(), maxLen(), retention())));
        return "done".equals(reply.get(0));
    }

    /** Ends a job whose queue entry cannot be run, with the reason, and acknowledges the entry. */
    public void reject(String id, String queue, String entryId, String reason, String rawEntry) {
        redis.run(j -> reject.eval(j, List.of(), List.of(id, queue, entryId, reason, now(), ttl(), maxLen(), retention(), rawEntry)));
    }

    /** Result of a renewal: whether the lock is still the job's, and a pending cancel's reason (or null). */
    public record Renewal(boolean held, String cancelReason) {
    }

    public Renewal renew(String project, String id) {
        List<?> reply = (List<?>) redis.call(j -> renew.eval(j, List.of(), List.of(project, id, ttl())));
        String reason = (String) reply.get(1);
        return new Renewal(((Long) reply.get(0)) == 1L, reason.isEmpty() ? null : reason);
    }

    public enum CancelOutcome { CANCELLED, REQUESTED, FINISHED, UNKNOWN }

    /** Cancels a queued or waiting job at once; asks the worker of a running job to kill it. */
    public CancelOutcome cancel(String id, String reason) {
        List<?> reply = (List<?>) redis.call(j -> cancel.eval(j, List.of(), List.of(JobIds.check(id), reason, now(), ttl(),
                maxLen(), retention())));
        return CancelOutcome.valueOf(((String) reply.get(0)).toUpperCase(java.util.Locale.ROOT));
    }

    /** What a sweep did: jobs ended as lost, and jobs that got a lock whose holder had vanished. */
    public record Sweep(List<String> lost, List<String> handedOver) {
    }

    /** Ends jobs of workers that stopped sending heartbeats, and hands on abandoned locks. */
    @SuppressWarnings("unchecked")
    public Sweep sweep() {
        List<?> reply = (List<?>) redis.call(j -> sweep.eval(j, List.of(), List.of(ttl(), maxLen(), retention(), now())));
        return new Sweep((List<String>) reply.get(0), (List<String>) reply.get(1));
    }

    /** Marks {@code worker} alive for {@code ttl}; its running jobs are lost once it stops renewing this. */
    public void heartbeat(String worker, java.time.Duration ttl, String description) {
        redis.run(j -> heartbeat.eval(j, List.of(), List.of(worker, Long.toString(ttl.toMillis()), description)));
    }

    /** @return the job's state, or null when there is no such job (never submitted, or expired) */
    public JobState status(String id) {
        Map<String, String> hash = redis.call(j -> j.hgetAll(keys.job(JobIds.check(id))));
        return hash.isEmpty() || !hash.containsKey("status") ? null : JobState.fromHash(id, hash);
    }

    private String now() {
        return Long.toString(clock.millis());
    }

    private String ttl() {
        return Long.toString(settings.lockTtl().toMillis());
    }

    private String maxLen() {
        return Long.toString(settings.logMaxLen());
    }

    private String retention() {
        return Long.toString(Math.max(1, settings.retention().toSeconds()));
    }

    private static String text(Integer value) {
        return value == null ? "" : value.toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
