package io.deployster.queue;

import io.deployster.job.JobCodec;
import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.redis.Redis.Shortfall;
import io.deployster.redis.Script;
import io.deployster.secret.SecretBox;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSignature;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.sign.RejectedJobException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The job life cycle in Redis: every state change is one Lua script, so producers, workers and
 * cancels never see a half-done transition (docs/protocol.md).
 */
public final class JobQueue {
    /** How long a start whose connection broke is retried: longer than a Sentinel failover takes. */
    static final Duration START_RETRY = Duration.ofSeconds(20);
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
    private final JobSigner signer;
    private final SecretBox box;

    /** A queue whose jobs are not signed (workers without keys accept them). */
    public JobQueue(Redis redis, Keys keys, QueueSettings settings, JobSpecValidator validator, Clock clock) {
        this(redis, keys, settings, validator, clock, null);
    }

    /** @param signer signs submitted jobs and seals their secrets; null for unsigned jobs */
    public JobQueue(Redis redis, Keys keys, QueueSettings settings, JobSpecValidator validator, Clock clock, JobSigner signer) {
        this.signer = signer;
        this.box = signer == null ? null : new SecretBox(signer.keys());
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

    /** True when this queue signs and verifies jobs (it has keys). */
    public boolean signs() {
        return signer != null;
    }

    /** The keys jobs are signed and verified with (the first one signs callbacks too); empty for unsigned jobs. */
    public KeyRing keyRing() {
        return signer == null ? KeyRing.empty() : signer.keys();
    }

    /**
     * The checks a worker makes on a spec it took: valid, and signed by a known key when this queue
     * has keys (an unsigned queue accepts unsigned jobs).
     *
     * @throws io.deployster.job.InvalidJobException when the spec is invalid
     * @throws RejectedJobException when the signature is missing, unknown, wrong, expired or in the future
     */
    public void check(String id, JobSpec spec, String specJson, Map<String, String> entry) throws RejectedJobException {
        validator.validate(spec, specJson);
        if (signer != null) {
            signer.verify(id, specJson, entry.get("kid"), entry.get("iat"), entry.get("sig"));
        }
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
     * @throws io.deployster.redis.NotReplicatedException when too few replicas confirmed the job in time
     */
    public String submit(JobSpec spec) {
        return submit(spec, Secrets.none());
    }

    /**
     * Validates and queues a job whose secrets are sealed (encrypted for the workers) on the way.
     *
     * @throws io.deployster.job.InvalidJobException naming every field that is wrong
     * @throws IllegalArgumentException when secrets are given without a signing key, or are too short
     */
    public String submit(JobSpec spec, Secrets secrets) {
        return submit(ids.next(), spec, secrets);
    }

    /**
     * As {@link #submit(JobSpec, Secrets)} under an id the caller chose (a workflow's task: derived from the
     * workflow's id, so submitting it twice fails with DUPLICATE instead of running it twice).
     *
     * @throws redis.clients.jedis.exceptions.JedisDataException starting with DUPLICATE when the id exists
     */
    public String submit(String id, JobSpec spec, Secrets secrets) {
        JobSpec sealed = secrets.isEmpty() ? spec : seal(id, spec, secrets);
        String json = JobCodec.specJson(sealed);
        validator.validate(sealed, json);
        JobSignature sig = signer == null ? null : signer.sign(id, json);
        // acknowledged only once the replicas the Redis asks for have it: a failover then keeps it
        redis.callReplicated("job " + id + " (submitted; see its state with 'deployster status " + id + "' before submitting it again)",
                Shortfall.FAIL, j -> submit.eval(j, List.of(), List.of(id, json, spec.project(), spec.queueOrDefault(),
                nullToEmpty(spec.submittedBy()), now(), maxLen(),
                sig == null ? "" : sig.keyId(), sig == null ? "" : Long.toString(sig.issuedAt()), sig == null ? "" : sig.mac(),
                nullToEmpty(spec.workflow()), nullToEmpty(spec.workflowTask()))));
        return id;
    }

    private JobSpec seal(String id, JobSpec spec, Secrets secrets) {
        if (box == null) {
            throw new IllegalArgumentException("secret values need a signing key to be encrypted with: set " + KeyRing.ENV + " or " + KeyRing.ENV_FILE);
        }
        Map<String, String> env = new LinkedHashMap<>();
        secrets.env().forEach((name, value) -> env.put(name, box.seal(id, "env." + name, checkLength(name, value))));
        Map<String, String> vars = new LinkedHashMap<>();
        secrets.extraVars().forEach((name, value) -> vars.put(name, box.seal(id, "extraVars." + name,
                checkLength(name, JobCodec.toJson(value)))));
        return spec.toBuilder().secretEnv(env.isEmpty() ? null : env).secretExtraVars(vars.isEmpty() ? null : vars).build();
    }

    private static String checkLength(String name, String value) {
        if (value == null || value.length() < Secrets.MIN_LENGTH) {
            throw new IllegalArgumentException("secret '" + name + "' is shorter than " + Secrets.MIN_LENGTH
                    + " characters; it would mask ordinary output, so it is refused");
        }
        return value;
    }

    /**
     * What a worker must do with an entry it took.
     *
     * @param detail the fencing token of the job's lock grant (RUN), the lock holder (WAIT) or the job's status (SKIP)
     * @param startedEntry id of the 'started' log entry (RUN); the worker's own entries follow it
     */
    public record Start(Decision decision, String detail, String startedEntry) {
        /** The fencing token of a RUN decision: the project's grants are numbered 1, 2, 3, ... */
        public long fencingToken() {
            return Long.parseLong(detail);
        }
    }

    public enum Decision { RUN, WAIT, SKIP, REPLAYED }

    /**
     * Decides whether the job of a taken entry runs now. A connection broken before the answer came (a
     * failover) is retried for up to {@link #START_RETRY}: the start may have happened, and only a retry
     * tells the worker to run it rather than leave it to be marked lost.
     */
    public Start start(String id, String worker, String queue, String entryId, Map<String, String> entry, String project) {
        long deadline = System.nanoTime() + START_RETRY.toNanos();
        long backoff = 50;
        boolean retry = false;
        while (true) {
            try {
                return start(id, worker, queue, entryId, entry, project, retry);
            } catch (JedisConnectionException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
                    throw e;
                }
                retry = true;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 1000);
            }
        }
    }

    private Start start(String id, String worker, String queue, String entryId, Map<String, String> entry, String project, boolean retry) {
        long seenSeconds = signer == null ? 0 : signer.maxAge().plus(JobSigner.CLOCK_SKEW).toSeconds();
        // a start lost in a failover would run the job a second time; the job runs either way, so a
        // shortfall is only logged
        List<?> reply = (List<?>) redis.callReplicated("the start of job " + id, Shortfall.WARN, j -> start.eval(j, List.of(), List.of(id, worker, now(), ttl(), maxLen(),
                queue, entryId, entry.get("spec"), project, Long.toString(seenSeconds),
                entry.getOrDefault("kid", ""), entry.getOrDefault("iat", ""), entry.getOrDefault("sig", ""), retry ? "1" : "")));
        return new Start(Decision.valueOf(((String) reply.get(0)).toUpperCase(Locale.ROOT)), (String) reply.get(1),
                (String) reply.get(2));
    }

    /**
     * Ends a job the caller ran, and hands the project lock on.
     *
     * @return false when the job had already ended (cancelled meanwhile, or marked lost)
     */
    public boolean finish(String id, JobStatus status, Integer exitCode, Integer failedCommand, String reason) {
        return finish(id, status, exitCode, failedCommand, reason, null);
    }

    /**
     * As {@link #finish(String, JobStatus, Integer, Integer, String)}, recording the job's outputs (the
     * {@code key=value} lines it wrote to {@code $DEPLOYSTER_OUTPUT}) in the same step, so whoever sees
     * the job ended sees its outputs.
     *
     * @param outputsJson a JSON object of text values, or null for none
     */
    public boolean finish(String id, JobStatus status, Integer exitCode, Integer failedCommand, String reason, String outputsJson) {
        List<?> reply = (List<?>) redis.callReplicated("the end of job " + id + " and its lock hand-off", Shortfall.WARN,
                j -> finish.eval(j, List.of(), List.of(id, status.wireName(),
                text(exitCode), text(failedCommand), nullToEmpty(reason), now(), ttl(), maxLen(), retention(), nullToEmpty(outputsJson),
                historyLimit())));
        return "done".equals(reply.get(0));
    }

    /**
     * Ends a job whose queue entry cannot be run, with the reason, and acknowledges the entry.
     *
     * @param status FAILED for an invalid entry, REJECTED for one refused by signature or policy
     */
    public void reject(String id, String queue, String entryId, JobStatus status, String reason, String rawEntry) {
        redis.callReplicated("the end of job " + id + " (" + status.wireName() + ")", Shortfall.WARN,
                j -> reject.eval(j, List.of(), List.of(id, queue, entryId, reason, now(), ttl(), maxLen(), retention(), rawEntry,
                status.wireName(), historyLimit())));
    }

    /** Opens the sealed secrets of a spec a worker is about to run. */
    public Secrets openSecrets(String id, JobSpec spec) {
        if ((spec.secretEnv() == null || spec.secretEnv().isEmpty()) && (spec.secretExtraVars() == null || spec.secretExtraVars().isEmpty())) {
            return Secrets.none();
        }
        if (box == null) {
            throw new IllegalArgumentException("the job has secrets but this worker has no keys to open them");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.secretEnv() != null) {
            spec.secretEnv().forEach((name, sealed) -> env.put(name, box.open(id, "env." + name, sealed)));
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        if (spec.secretExtraVars() != null) {
            spec.secretExtraVars().forEach((name, sealed) -> vars.put(name, JobCodec.parseValue(box.open(id, "extraVars." + name, sealed))));
        }
        return new Secrets(env, vars);
    }

    /** A running job's lease to renew: its project, id and the fencing token of its lock grant. */
    public record Lease(String project, String id, long fencingToken) {
    }

    /** What a renewal found: the lease's state, and a pending cancel's reason (or null). */
    public record Renewal(LeaseState lease, String cancelReason) {
    }

    public enum LeaseState {
        /** still the job's: renewed for another lease length */
        HELD,
        /** it had lapsed and no other job was granted it since: the job holds it again */
        RETAKEN,
        /** another job holds it, or was granted it since: the job must be stopped at once */
        LOST,
        /** the job is no longer running in Redis (ended elsewhere, e.g. marked lost): stop it at once */
        ENDED
    }

    /**
     * Renews the leases of running jobs in one round trip (renew.lua).
     *
     * @return one renewal per lease, in the order given
     */
    public List<Renewal> renew(List<Lease> leases) {
        if (leases.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(1 + 3 * leases.size());
        args.add(ttl());
        for (Lease lease : leases) {
            args.add(lease.project());
            args.add(lease.id());
            args.add(Long.toString(lease.fencingToken()));
        }
        List<?> reply = (List<?>) redis.call(j -> renew.eval(j, List.of(), args));
        List<Renewal> renewals = new ArrayList<>(reply.size());
        for (Object item : reply) {
            List<?> pair = (List<?>) item;
            String reason = (String) pair.get(1);
            renewals.add(new Renewal(LeaseState.valueOf(((String) pair.get(0)).toUpperCase(Locale.ROOT)),
                    reason.isEmpty() ? null : reason));
        }
        return renewals;
    }

    public enum CancelOutcome { CANCELLED, REQUESTED, FINISHED, UNKNOWN }

    /** Cancels a queued or waiting job at once; asks the worker of a running job to kill it. */
    public CancelOutcome cancel(String id, String reason) {
        List<?> reply = (List<?>) redis.callReplicated("the cancel of job " + id, Shortfall.FAIL,
                j -> cancel.eval(j, List.of(), List.of(JobIds.check(id), reason, now(), ttl(),
                maxLen(), retention(), historyLimit())));
        return CancelOutcome.valueOf(((String) reply.get(0)).toUpperCase(Locale.ROOT));
    }

    /** What a sweep did: jobs ended as lost (their lease ran out), and jobs that got a free lock. */
    public record Sweep(List<String> lost, List<String> handedOver) {
    }

    /** Ends running jobs whose lease ran out as lost, and hands on free locks to the oldest jobs waiting. */
    @SuppressWarnings("unchecked")
    public Sweep sweep() {
        // waits for replicas only when it ended a job or handed on a lock, not on every idle round
        List<?> reply = (List<?>) redis.callReplicated("a sweep's lost jobs and lock hand-offs", Shortfall.WARN,
                j -> sweep.eval(j, List.of(), List.of(ttl(), maxLen(), retention(), now(), historyLimit())),
                r -> !((List<?>) ((List<?>) r).get(0)).isEmpty() || !((List<?>) ((List<?>) r).get(1)).isEmpty());
        return new Sweep((List<String>) reply.get(0), (List<String>) reply.get(1));
    }

    /** Marks {@code worker} alive for {@code ttl}; its running jobs are lost once it stops renewing this. */
    public void heartbeat(String worker, Duration ttl, String description) {
        redis.run(j -> heartbeat.eval(j, List.of(), List.of(worker, Long.toString(ttl.toMillis()), description)));
    }

    /** The reason someone gave when asking to cancel running job {@code id}, or null when nobody did. */
    public String cancelReason(String id) {
        String reason = redis.call(j -> j.hget(keys.job(id), "cancelRequested"));
        return reason == null || reason.isEmpty() ? null : reason;
    }

    /** Removes {@code worker}'s heartbeat at once (it stopped cleanly), instead of letting it expire. */
    public void forgetWorker(String worker) {
        redis.run(j -> {
            j.del(keys.worker(worker));
            // a clean stop is not a death: operators see dead workers only when they crashed or were cut off
            j.hdel(keys.workers(), worker);
        });
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

    private String historyLimit() {
        return Integer.toString(settings.historyLimit());
    }

    private static String text(Integer value) {
        return value == null ? "" : value.toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
