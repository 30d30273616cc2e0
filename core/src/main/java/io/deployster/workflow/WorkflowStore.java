package io.deployster.workflow;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.deployster.job.JobIds;
import io.deployster.job.JobState;
import io.deployster.protocol.Event;
import io.deployster.protocol.JobField;
import io.deployster.protocol.LogField;
import io.deployster.protocol.Reply;
import io.deployster.queue.DuplicateJobException;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Keys;
import io.deployster.redis.LogStreams;
import io.deployster.redis.Redis;
import io.deployster.redis.Script;
import io.deployster.sign.JobSignature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow's state in Redis (docs/workflows.md): a hash of kind {@code workflow} under the job key
 * layout, so status, logs and cancel treat its id like a job's, plus one {@code task:NAME} field per task
 * and the combined log stream. Any process can read it and any coordinator can drive it.
 */
public final class WorkflowStore {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final int COPY_BATCH = 2000;

    private final Redis redis;
    private final LogStreams logs;
    private final Keys keys;
    private final JobQueue queue;
    private final JobIds ids;
    private final Clock clock;
    private final Script submit;
    private final Script start;
    private final Script copy;
    private final Script release;

    public WorkflowStore(Redis redis, JobQueue queue, Clock clock) {
        this.redis = redis;
        this.logs = new LogStreams(redis);
        this.keys = queue.keys();
        this.queue = queue;
        this.clock = clock;
        this.ids = new JobIds(clock);
        this.submit = Script.load("workflow-submit", keys);
        this.start = Script.load("workflow-start", keys);
        this.copy = Script.load("workflow-copy", keys);
        this.release = Script.load("workflow-release", keys);
    }

    public JobQueue queue() {
        return queue;
    }

    /** Records an already validated workflow; it starts once it holds its project's lock. @return its id */
    public String submit(WorkflowSpec spec) {
        String id = ids.next();
        String json = GSON.toJson(spec);
        List<String> scriptKeys = new ArrayList<>(keys.jobScriptKeys(id, spec.project()));
        scriptKeys.add(keys.workflows());
        JobSignature signature = queue.signWorkflow(id, json);
        Reply reply = submit.run(redis, scriptKeys, List.of(id, json, spec.project(),
                spec.submittedBy() == null ? "" : spec.submittedBy(), nowText(), Long.toString(queue.settings().logMaxLen()),
                signature == null ? "" : signature.keyId(), signature == null ? "" : Long.toString(signature.issuedAt()),
                signature == null ? "" : signature.mac()));
        if (reply.expect(Reply.Code.OK, Reply.Code.DUPLICATE).code() == Reply.Code.DUPLICATE) {
            throw new DuplicateJobException(id);
        }
        return id;
    }

    /** @return the workflow's state and tasks, or null when there is no such workflow */
    public WorkflowResult result(String id) {
        Map<String, String> hash = hash(JobIds.check(id));
        if (!JobField.KIND_WORKFLOW.equals(hash.get(JobField.KIND))) {
            return null;
        }
        return new WorkflowResult(JobState.fromHash(id, hash), tasks(hash, spec(hash)));
    }

    Map<String, String> hash(String id) {
        return redis.hash(keys.job(id));
    }

    /** The workflow recorded in a workflow's hash (field {@code spec}). */
    public static WorkflowSpec spec(Map<String, String> hash) {
        return GSON.fromJson(hash.get(JobField.SPEC), WorkflowSpec.class);
    }

    /** Each task's recorded result, in the workflow's order; pending for tasks not recorded yet. */
    static Map<String, TaskResult> tasks(Map<String, String> hash, WorkflowSpec spec) {
        Map<String, TaskResult> out = new LinkedHashMap<>();
        for (String name : spec.tasks().keySet()) {
            String json = hash.get(JobField.TASK_PREFIX + name);
            out.put(name, json == null ? TaskResult.pending() : GSON.fromJson(json, TaskResult.class));
        }
        return out;
    }

    void save(String id, String task, TaskResult result) {
        redis.setHashField(keys.job(id), JobField.TASK_PREFIX + task, GSON.toJson(result));
    }

    /** @return RUN with the fencing token, WAIT with the lock holder or SKIP with the status (workflow-start.lua) */
    Reply start(String id, String project, String driver) {
        return start.run(redis, keys.jobScriptKeys(id, project), List.of(id, driver, nowText(),
                Long.toString(queue.settings().lockTtl().toMillis()), Long.toString(queue.settings().logMaxLen()), project))
                .expect(Reply.Code.RUN, Reply.Code.WAIT, Reply.Code.SKIP);
    }

    /**
     * Copies a batch of a task's new log entries (at most {@value #COPY_BATCH}) into the combined log.
     *
     * @return true when the batch was full, so more may be waiting
     */
    boolean copyLog(String id, String task, String jobId) {
        return copy.run(redis, List.of(keys.job(id), keys.log(id), keys.log(jobId)), List.of(task, jobId,
                Long.toString(queue.settings().logMaxLen()), Integer.toString(COPY_BATCH))).expect(Reply.Code.OK).number(0) == COPY_BATCH;
    }

    void note(String id, String message) {
        logs.add(keys.log(id), Map.of(LogField.EVENT, Event.NOTE, LogField.TS, nowText(), LogField.MESSAGE, message));
    }

    /** Whether worker {@code name} is alive: its liveness key, renewed by its heartbeat, has not expired. */
    boolean alive(String name) {
        return name != null && redis.get(keys.worker(name)) != null;
    }

    /** Records {@code driver} as the workflow's worker in place of {@code dead}, and says so in its log. */
    void takeOver(String id, String driver, String dead) {
        redis.setHashField(keys.job(id), JobField.WORKER, driver);
        note(id, "worker " + dead + " stopped (its heartbeat expired); worker " + driver + " drives the workflow now");
    }

    Set<String> active() {
        return redis.members(keys.workflows());
    }

    void forget(String id) {
        redis.removeMember(keys.workflows(), id);
    }

    /** Takes the right to drive the workflow for {@code ttlMillis}; false when another coordinator holds it. */
    boolean drive(String id, String driver, long ttlMillis) {
        return redis.setIfAbsent(keys.driver(id), driver, ttlMillis);
    }

    /** Gives up driving the workflow. @return false when the right had expired or another coordinator holds it */
    boolean release(String id, String driver) {
        return release.run(redis, List.of(keys.driver(id)), List.of(driver)).expect(Reply.Code.OK, Reply.Code.ALREADY)
                .code() == Reply.Code.OK;
    }

    /** The hash of a task's job. */
    Map<String, String> job(String jobId) {
        return redis.hash(keys.job(jobId));
    }

    long now() {
        return clock.millis();
    }

    private String nowText() {
        return Long.toString(clock.millis());
    }
}
