package io.deployster.queue;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobIds;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.job.Problem;
import io.deployster.protocol.EntryField;
import io.deployster.protocol.JobField;
import io.deployster.protocol.ProtocolMismatchException;
import io.deployster.protocol.ProtocolVersion;
import io.deployster.protocol.Reply.Code;
import io.deployster.protocol.Reply;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis.Shortfall;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.redis.Script;
import io.deployster.run.DotEnv;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

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

    /**
     * The queue as producers and workers use it: the default job limits and the system clock.
     *
     * @param signer signs submitted jobs and seals their secrets (and lets a worker verify them); null for unsigned jobs
     */
    public static JobQueue create(Redis redis, Keys keys, QueueSettings settings, JobSigner signer) {
        return new JobQueue(redis, keys, settings, new JobSpecValidator(JobLimits.DEFAULT), Clock.systemUTC(), signer);
    }

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

    /** How long a signed job's id is remembered against replays: its signature's max age and the clock skew; zero when unsigned. */
    public Duration replayWindow() {
        return signer == null ? Duration.ZERO : signer.maxAge().plus(JobSigner.CLOCK_SKEW);
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
     * @throws RejectedJobException when the signature is missing, unknown, wrong, expired or in the future, or when the
     *     job names a workflow whose task it is not (its id is not {@code WORKFLOW.TASK})
     */
    public void check(String id, JobSpec spec, String specJson, Map<String, String> entry) throws RejectedJobException {
        validator.validate(spec, specJson);
        if (signer != null) {
            signer.verify(id, specJson, entry.get(EntryField.KID), entry.get(EntryField.IAT), entry.get(EntryField.SIG));
        }
        if (spec.workflow() != null && !id.equals(JobIds.taskJobId(spec.workflow(), spec.workflowTask()))) {
            // only the engine submits a workflow's tasks, under ids it derives; any other job naming a
            // workflow would run beside it under the workflow's lock exemption
            throw new RejectedJobException("job " + id + " names workflow " + spec.workflow() + " and task " + spec.workflowTask()
                    + ", but that task's job is " + JobIds.taskJobId(spec.workflow(), spec.workflowTask())
                    + ", submitted by the workflow engine only; not run (it would bypass project " + spec.project() + "'s lock)");
        }
    }

    /** The signature of a workflow record this producer submits; null when this queue does not sign. */
    public JobSignature signWorkflow(String id, String workflowJson) {
        return signer == null ? null : signer.sign(JobSigner.Subject.WORKFLOW, id, workflowJson);
    }

    /**
     * Checks a workflow record's signature when this queue's worker verifies (has keys); does nothing otherwise.
     *
     * @param hash the workflow's hash (its spec, kid, iat and sig fields)
     * @param fresh also check the signature's age: true when the workflow is about to start
     * @throws RejectedJobException saying what is wrong with the signature
     */
    public void verifyWorkflow(String id, Map<String, String> hash, boolean fresh) throws RejectedJobException {
        if (signer != null) {
            signer.verify(JobSigner.Subject.WORKFLOW, id, hash.get(JobField.SPEC), hash.get(JobField.KID), hash.get(JobField.IAT),
                    hash.get(JobField.SIG), fresh);
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
     * @throws io.deployster.job.InvalidJobException naming every field that is wrong, and {@code workflow} or
     *     {@code workflowTask} when given: a producer's job never joins a workflow ({@link #submitTask} does that)
     * @throws IllegalArgumentException when secrets are given without a signing key, or are too short
     */
    public String submit(JobSpec spec, Secrets secrets) {
        refuseClearSecrets(spec);
        refuseWorkflowFields(spec);
        return enqueue(ids.next(), spec, secrets);
    }

    /**
     * Queues the job of a workflow's task, for the workflow engine only: the one path that may set
     * {@code workflow} and {@code workflowTask} (they let the job run under the workflow's project lock),
     * under an id derived from the workflow's id, so submitting it twice fails with DUPLICATE instead of
     * running it twice.
     *
     * @throws io.deployster.job.InvalidJobException when {@code workflow} or {@code workflowTask} is missing, or the spec is invalid
     * @throws DuplicateJobException when a job or workflow with this id exists
     */
    public String submitTask(String id, JobSpec spec) {
        List<Problem> problems = new ArrayList<>();
        if (spec.workflow() == null || spec.workflow().isEmpty()) {
            problems.add(new Problem("workflow", null, "a workflow task's job names its workflow"));
        }
        if (spec.workflowTask() == null || spec.workflowTask().isEmpty()) {
            problems.add(new Problem("workflowTask", null, "a workflow task's job names its task"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidJobException(problems);
        }
        return enqueue(id, spec, Secrets.none());
    }

    /**
     * Redis only ever holds sealed secret values (docs/security.md); a secret given in clear in the spec
     * itself (a JSON body, a --spec file) would sit in the job's hash for the retention time, though no
     * worker runs it. Refused before anything is written; the problem names the variable, never its value.
     */
    private static void refuseClearSecrets(JobSpec spec) {
        List<Problem> problems = new ArrayList<>();
        clearSecrets(problems, "secretEnv", "--secret-env", spec.secretEnv());
        clearSecrets(problems, "secretExtraVars", "--secret-extra-var", spec.secretExtraVars());
        if (!problems.isEmpty()) {
            throw new InvalidJobException(problems);
        }
    }

    private static void clearSecrets(List<Problem> problems, String field, String option, Map<String, String> values) {
        if (values == null) {
            return;
        }
        values.forEach((name, value) -> {
            if (value != null && !SecretBox.looksSealed(value)) {
                problems.add(new Problem(field + "." + name, "a value in clear (not shown)", "only a value sealed for the job "
                        + "(v1:<key id>:<ciphertext>) may be queued, and it is sealed at submit, under the job's id: leave " + name
                        + " out of " + field + " and pass it with 'deployster submit " + option + " " + name + "' (it reads $" + name
                        + " and seals it with the signing key, docs/security.md) or the Jenkins step's " + field));
            }
        });
    }

    /**
     * Producers (gateway, CLI, Jenkins step, this client) may not set {@code workflow}/{@code workflowTask}:
     * a job naming a running workflow would run under that workflow's lock exemption, beside it.
     */
    private static void refuseWorkflowFields(JobSpec spec) {
        List<Problem> problems = new ArrayList<>();
        String why = "only the workflow engine sets it, for a workflow's own tasks; remove it (submit a workflow to run tasks under one lock)";
        if (spec.workflow() != null) {
            problems.add(new Problem("workflow", spec.workflow(), why));
        }
        if (spec.workflowTask() != null) {
            problems.add(new Problem("workflowTask", spec.workflowTask(), why));
        }
        if (!problems.isEmpty()) {
            throw new InvalidJobException(problems);
        }
    }

    private String enqueue(String id, JobSpec spec, Secrets secrets) {
        JobSpec sealed = secrets.isEmpty() ? spec : seal(id, spec, secrets);
        String json = JobCodec.specJson(sealed);
        validator.validate(sealed, json);
        JobSignature sig = signer == null ? null : signer.sign(id, json);
        // acknowledged only once the replicas the Redis asks for have it: a failover then keeps it
        List<String> scriptKeys = new ArrayList<>(keys.jobScriptKeys(id, spec.project()));
        scriptKeys.add(keys.queue(spec.queueOrDefault()));
        scriptKeys.add(keys.submitted());
        Reply reply = redis.callReplicated("job " + id + " (submitted; see its state with 'deployster status " + id + "' before submitting it again)",
                Shortfall.FAIL, j -> submit.run(j, scriptKeys, List.of(id, json, spec.project(), spec.queueOrDefault(),
                nullToEmpty(spec.submittedBy()), now(), maxLen(),
                sig == null ? "" : sig.keyId(), sig == null ? "" : Long.toString(sig.issuedAt()), sig == null ? "" : sig.mac(),
                nullToEmpty(spec.workflow()), nullToEmpty(spec.workflowTask()))), r -> r.code() == Code.OK);
        if (reply.expect(Code.OK, Code.DUPLICATE).code() == Code.DUPLICATE) {
            throw new DuplicateJobException(id);
        }
        return id;
    }

    private JobSpec seal(String id, JobSpec spec, Secrets secrets) {
        if (box == null) {
            throw new IllegalArgumentException("secret values need a signing key to be encrypted with: set " + KeyRing.ENV + " or " + KeyRing.ENV_FILE);
        }
        Map<String, String> env = new LinkedHashMap<>();
        secrets.env().forEach((name, value) -> env.put(name, box.seal(id, "env." + name, checkDotEnv(name, checkLength(name, value)))));
        Map<String, String> vars = new LinkedHashMap<>();
        secrets.extraVars().forEach((name, value) -> vars.put(name, box.seal(id, "extraVars." + name,
                checkLength(name, JobCodec.toJson(value)))));
        return spec.toBuilder().secretEnv(env.isEmpty() ? null : env).secretExtraVars(vars.isEmpty() ? null : vars).build();
    }

    // the worker writes secret env to the job's .env like env: a value no quoting carries would fail the
    // job only once it ran, after waiting its turn, so it is refused here, before it is sealed (never quoted)
    private static String checkDotEnv(String name, String value) {
        String problem = DotEnv.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("secret '" + name + "' cannot be written to the job's .env: " + problem
                    + "; it is refused");
        }
        return value;
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
     * @param detail the fencing token of the job's lock grant (RUN), the lock holder (WAIT), the job's status
     *     (SKIP) or the project of the job's hash (WRONG_PROJECT)
     * @param startedEntry id of the 'started' log entry (RUN); the worker's own entries follow it
     */
    public record Start(Decision decision, String detail, String startedEntry) {
        /** The fencing token of a RUN decision: the project's grants are numbered 1, 2, 3, ... */
        public long fencingToken() {
            return Long.parseLong(detail);
        }
    }

    public enum Decision { RUN, WAIT, SKIP, REPLAYED, WRONG_PROJECT }

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
            } catch (RedisUnavailableException e) {
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
        List<String> scriptKeys = new ArrayList<>(keys.jobScriptKeys(id, project));
        scriptKeys.add(keys.queue(queue));
        scriptKeys.add(keys.seen(id));
        Reply reply = redis.callReplicated("the start of job " + id, Shortfall.WARN, j -> start.run(j, scriptKeys, List.of(id, worker,
                now(), ttl(), maxLen(), queue, entryId, entry.get(EntryField.SPEC), project, Long.toString(seenSeconds),
                entry.getOrDefault(EntryField.KID, ""), entry.getOrDefault(EntryField.IAT, ""), entry.getOrDefault(EntryField.SIG, ""),
                retry ? "1" : "")));
        Decision decision = switch (reply.expect(Code.RUN, Code.WAIT, Code.SKIP, Code.REPLAYED, Code.WRONG_PROJECT).code()) {
            case RUN -> Decision.RUN;
            case WAIT -> Decision.WAIT;
            case SKIP -> Decision.SKIP;
            case REPLAYED -> Decision.REPLAYED;
            default -> Decision.WRONG_PROJECT;
        };
        return new Start(decision, reply.text(0), reply.text(1));
    }

    /**
     * Ends a job the caller ran, and hands the project lock on.
     *
     * @return false when the job had already ended (cancelled meanwhile, or marked lost)
     */
    public boolean finish(String id, String project, JobStatus status, Integer exitCode, Integer failedCommand, String reason) {
        return finish(id, project, status, exitCode, failedCommand, reason, null);
    }

    /**
     * As {@link #finish(String, String, JobStatus, Integer, Integer, String)}, recording the job's outputs (the
     * {@code key=value} lines it wrote to {@code $DEPLOYSTER_OUTPUT}) in the same step, so whoever sees
     * the job ended sees its outputs.
     *
     * @param outputsJson a JSON object of text values, or null for none
     */
    public boolean finish(String id, String project, JobStatus status, Integer exitCode, Integer failedCommand, String reason,
            String outputsJson) {
        return finish(id, project, status, exitCode, failedCommand, reason, outputsJson, null);
    }

    /**
     * As {@link #finish(String, String, JobStatus, Integer, Integer, String, String)}, by the worker that ran the job
     * under {@code fencingToken}: should a sweep have marked the job lost meanwhile (its lease ran out while the worker
     * could not reach Redis to record an end it had reached in time), the job stays lost but its reason and log say
     * how it had really ended.
     */
    public boolean finish(String id, String project, JobStatus status, Integer exitCode, Integer failedCommand, String reason,
            String outputsJson, Long fencingToken) {
        Reply reply = redis.callReplicated("the end of job " + id + " and its lock hand-off", Shortfall.WARN,
                j -> finish.run(j, keys.jobScriptKeys(id, project), List.of(id, status.wireName(),
                text(exitCode), text(failedCommand), nullToEmpty(reason), now(), ttl(), maxLen(), retention(), nullToEmpty(outputsJson),
                historyLimit(), project, fencingToken == null ? "" : fencingToken.toString(), resultSignature(id, status, outputsJson))));
        return reply.expect(Code.OK, Code.ALREADY).code() == Code.OK;
    }

    // A workflow's coordinator fills a succeeded task's outputs into the tasks after it, which it signs:
    // signed here, they cannot be changed in Redis on the way (verifyResult)
    private String resultSignature(String id, JobStatus status, String outputsJson) {
        if (signer == null || status != JobStatus.SUCCEEDED) {
            return "";
        }
        JobSignature s = signer.sign(JobSigner.Subject.RESULT, id, resultText(JobState.outputs(outputsJson)));
        return s.keyId() + " " + s.issuedAt() + " " + s.mac();
    }

    /**
     * Checks that a job succeeded with these outputs, as the worker that ran it signed (field
     * {@link JobField#RESULT_SIG}); does nothing when this queue does not sign.
     *
     * @throws RejectedJobException when the signature is missing, unknown or does not match
     */
    public void verifyResult(String id, Map<String, String> outputs, String resultSig) throws RejectedJobException {
        if (signer == null) {
            return;
        }
        String[] parts = resultSig == null ? new String[0] : resultSig.split(" ", 3);
        if (parts.length != 3) {
            throw new RejectedJobException("job " + id + " has no signed result (field " + JobField.RESULT_SIG + "): its success and outputs "
                    + "were not recorded by a worker holding a key");
        }
        signer.verify(JobSigner.Subject.RESULT, id, resultText(outputs), parts[0], parts[1], parts[2], false);
    }

    // one line per output, sorted: keys hold no '=' and values no line end, so the text is unambiguous
    private static String resultText(Map<String, String> outputs) {
        StringBuilder text = new StringBuilder(JobStatus.SUCCEEDED.wireName()).append('\n');
        new TreeMap<>(outputs).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    /**
     * Ends a job whose queue entry cannot be run, with the reason, and acknowledges the entry.
     *
     * The job's project is read from its hash first (an entry's spec may be unreadable or lie): a
     * second round trip, on a path that only bad entries take.
     *
     * @param status FAILED for an invalid entry, REJECTED for one refused by signature or policy
     * @return true when this ended the job; false when it was running or had ended already (the entry
     *     is acknowledged either way)
     */
    public boolean reject(String id, String queue, String entryId, JobStatus status, String reason, String rawEntry) {
        String project = projectOf(id);
        List<String> scriptKeys = new ArrayList<>(keys.jobScriptKeys(id, project));
        scriptKeys.add(keys.queue(queue));
        Reply reply = redis.callReplicated("the end of job " + id + " (" + status.wireName() + ")", Shortfall.WARN,
                j -> reject.run(j, scriptKeys, List.of(id, queue, entryId, reason, now(), ttl(), maxLen(), retention(), rawEntry,
                status.wireName(), historyLimit(), project)));
        return reply.expect(Code.OK, Code.ALREADY).code() == Code.OK;
    }

    /** The project a job's hash names, or "" when there is no such hash or it names none. */
    private String projectOf(String id) {
        return nullToEmpty(redis.call(j -> j.hget(keys.job(id), JobField.PROJECT)));
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
        List<String> scriptKeys = new ArrayList<>(3 * leases.size());
        List<String> args = new ArrayList<>(1 + 2 * leases.size());
        args.add(ttl());
        for (Lease lease : leases) {
            scriptKeys.add(keys.job(lease.id()));
            scriptKeys.add(keys.lock(lease.project()));
            scriptKeys.add(keys.fence(lease.project()));
            args.add(lease.id());
            args.add(Long.toString(lease.fencingToken()));
        }
        Reply reply = redis.call(j -> renew.run(j, scriptKeys, args)).expect(Code.OK);
        List<Renewal> renewals = new ArrayList<>(leases.size());
        for (int i = 0; i < leases.size(); i++) {
            String reason = reply.text(2 * i + 1);
            LeaseState state = switch (reply.code(2 * i)) {
                case HELD -> LeaseState.HELD;
                case RETAKEN -> LeaseState.RETAKEN;
                case LOST -> LeaseState.LOST;
                case ENDED -> LeaseState.ENDED;
                default -> throw new IllegalStateException("renew.lua answered state '" + reply.text(2 * i) + "' for job "
                        + leases.get(i).id() + ", where held, retaken, lost or ended belongs");
            };
            renewals.add(new Renewal(state, reason.isEmpty() ? null : reason));
        }
        return renewals;
    }

    public enum CancelOutcome { CANCELLED, REQUESTED, FINISHED, UNKNOWN }

    /**
     * Cancels a queued or waiting job at once (its queue entry removed); asks the worker of a running job
     * to kill it. Reads the job's project and queue first (their keys are declared to the script): two
     * round trips.
     */
    public CancelOutcome cancel(String id, String reason) {
        List<String> placed = redis.hashFields(keys.job(JobIds.check(id)), JobField.PROJECT, JobField.QUEUE);
        String project = nullToEmpty(placed.get(0));
        List<String> scriptKeys = new ArrayList<>(keys.jobScriptKeys(id, project));
        scriptKeys.add(keys.queue(nullToEmpty(placed.get(1))));
        Reply reply = redis.callReplicated("the cancel of job " + id, Shortfall.FAIL,
                j -> cancel.run(j, scriptKeys, List.of(id, reason, now(), ttl(), maxLen(), retention(), historyLimit(), project)));
        return switch (reply.expect(Code.CANCELLED, Code.REQUESTED, Code.FINISHED, Code.UNKNOWN).code()) {
            case CANCELLED -> CancelOutcome.CANCELLED;
            case REQUESTED -> CancelOutcome.REQUESTED;
            case FINISHED -> CancelOutcome.FINISHED;
            default -> CancelOutcome.UNKNOWN;
        };
    }

    /** What a sweep did: jobs ended as lost (their lease ran out), and jobs that got a free lock. */
    public record Sweep(List<String> lost, List<String> handedOver) {
    }

    /** Ends running jobs whose lease ran out as lost, and hands on free locks to the oldest jobs waiting. */
    public Sweep sweep() {
        // waits for replicas only when it ended a job or handed on a lock, not on every idle round
        Reply reply = redis.callReplicated("a sweep's lost jobs and lock hand-offs", Shortfall.WARN,
                j -> sweep.run(j, List.of(keys.running(), keys.handedOver(), keys.waitingProjects()),
                        List.of(ttl(), maxLen(), retention(), now(), historyLimit())),
                r -> r.code() == Code.OK && (!r.texts(0).isEmpty() || !r.texts(1).isEmpty()));
        reply.expect(Code.OK);
        return new Sweep(reply.texts(0), reply.texts(1));
    }

    /** Marks {@code worker} alive for {@code ttl}; its running jobs are lost once it stops renewing this. */
    public void heartbeat(String worker, Duration ttl, String description) {
        redis.call(j -> heartbeat.run(j, List.of(keys.worker(worker), keys.workers()),
                List.of(worker, Long.toString(ttl.toMillis()), description))).expect(Code.OK);
    }

    /** The reason someone gave when asking to cancel running job {@code id}, or null when nobody did. */
    public String cancelReason(String id) {
        String reason = redis.call(j -> j.hget(keys.job(id), JobField.CANCEL_REQUESTED));
        return reason == null || reason.isEmpty() ? null : reason;
    }

    /**
     * Records this build's protocol version on the namespace when it has none, and refuses a namespace
     * served with another one. A namespace without a record but with keys of the version 2 layout (fence
     * counters without a hash tag, which never expire) counts as version 2. Run by a worker before it
     * takes any entry.
     *
     * @throws ProtocolMismatchException naming both versions and what to do
     */
    public void claimProtocol() {
        String mine = Integer.toString(ProtocolVersion.CURRENT);
        String recorded = redis.call(j -> j.get(keys.protocol()));
        if (recorded == null) {
            String legacy = redis.call(j -> {
                ScanParams params = new ScanParams().match(keys.legacyFencePattern()).count(1000);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = j.scan(cursor, params);
                    if (!page.getResult().isEmpty()) {
                        return page.getResult().get(0);
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                return null;
            });
            if (legacy != null) {
                throw new ProtocolMismatchException(keys.namespace(), 2, "it has no " + keys.protocol() + " but holds " + legacy
                        + ", a key of the version 2 layout");
            }
            redis.run(j -> j.set(keys.protocol(), mine, SetParams.setParams().nx()));
            recorded = redis.call(j -> j.get(keys.protocol()));
        }
        if (!mine.equals(recorded)) {
            int found;
            try {
                found = Integer.parseInt(recorded);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("key " + keys.protocol() + " holds '" + recorded + "', not a protocol version number; "
                        + "set it to " + mine + " once no other worker uses this namespace");
            }
            throw new ProtocolMismatchException(keys.namespace(), found, "recorded in " + keys.protocol());
        }
    }

    /**
     * What worker {@code worker}'s last heartbeat said ({@code queues=a,b running=1/4 at=EPOCH_MS}), while
     * it has not expired; null when it has (or never was).
     */
    public String liveHeartbeat(String worker) {
        return redis.get(keys.worker(worker));
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
        return hash.isEmpty() || !hash.containsKey(JobField.STATUS) ? null : JobState.fromHash(id, hash);
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
