package io.deployster.workflow;

import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.protocol.JobField;
import io.deployster.protocol.Reply;
import io.deployster.queue.DuplicateJobException;
import io.deployster.queue.JobQueue;
import io.deployster.sign.RejectedJobException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One step of driving a workflow, from its state in Redis: start it when it holds the project lock,
 * record ended tasks, skip the dependents of failed ones, submit tasks whose needs are met, stop every
 * task on cancel or timeout, and end the workflow once all its tasks ended. Each step may be repeated
 * or taken over by another process: task jobs have derived ids (a second submit is refused as a
 * duplicate) and every decision is made again from what Redis holds.
 */
public final class WorkflowEngine {
    private static final System.Logger LOG = System.getLogger(WorkflowEngine.class.getName());

    private final WorkflowStore store;
    private final JobQueue queue;
    private final String driver;
    private final Consumer<String> onEnd;

    /**
     * @param driver name of the process driving (recorded as the workflow's worker)
     * @param onEnd called with the id of a workflow this engine ended (callbacks)
     */
    public WorkflowEngine(WorkflowStore store, String driver, Consumer<String> onEnd) {
        this.store = store;
        this.queue = store.queue();
        this.driver = driver;
        this.onEnd = onEnd;
    }

    public void advance(String id) {
        Map<String, String> hash = store.hash(id);
        if (!JobField.KIND_WORKFLOW.equals(hash.get(JobField.KIND))) {
            store.forget(id);
            return;
        }
        JobStatus status = JobStatus.fromWireName(hash.get(JobField.STATUS));
        boolean starting = status == JobStatus.QUEUED || status == JobStatus.WAITING;
        if (starting) {
            if (store.start(id, hash.get(JobField.PROJECT), driver).code() != Reply.Code.RUN) {
                return;
            }
            hash = store.hash(id);
            status = JobStatus.RUNNING;
        }
        WorkflowSpec spec = WorkflowStore.spec(hash);
        Map<String, TaskResult> tasks = WorkflowStore.tasks(hash, spec);
        if (status != JobStatus.RUNNING) {
            // ended elsewhere: cancelled before it started, or lost when no coordinator renewed its lease
            windUp(id, tasks, "the workflow ended (" + status.wireName() + ")");
            return;
        }
        try {
            // its tasks are signed with this worker's key, so the record must carry its producer's signature
            // (checked at every step: a record written straight into Redis as running has none)
            queue.verifyWorkflow(id, hash, starting);
        } catch (RejectedJobException e) {
            reject(id, spec, tasks, e.getMessage());
            return;
        }
        List<JobQueue.Renewal> renewal = queue.renew(List.of(new JobQueue.Lease(spec.project(), id,
                Long.parseLong(hash.get(JobField.FENCING_TOKEN)))));
        JobQueue.LeaseState lease = renewal.get(0).lease();
        if (lease == JobQueue.LeaseState.LOST || lease == JobQueue.LeaseState.ENDED) {
            return; // the sweep ends it as lost; the next step winds it up
        }
        String recorded = hash.get(JobField.WORKER);
        if (!driver.equals(recorded) && !store.alive(recorded)) {
            // any live coordinator drives any step; the one recorded is named by status and the workers
            // view, so a dead one is replaced (not a live one: steps alternate between live coordinators)
            store.takeOver(id, driver, recorded);
        }
        JobStatus stop = null;
        String stopReason = null;
        String cancel = hash.get(JobField.CANCEL_REQUESTED);
        if (cancel != null && !cancel.isEmpty()) {
            stop = JobStatus.CANCELLED;
            stopReason = cancel;
        } else if (spec.timeoutSeconds() != null
                && store.now() - Long.parseLong(hash.get(JobField.STARTED_AT)) > spec.timeoutSeconds() * 1000L) {
            stop = JobStatus.TIMED_OUT;
            stopReason = "the workflow ran longer than its timeoutSeconds (" + spec.timeoutSeconds() + " s)";
        }
        for (Map.Entry<String, TaskResult> e : tasks.entrySet()) {
            String name = e.getKey();
            TaskResult t = refresh(id, name, e.getValue());
            if (TaskResult.PENDING.equals(t.status())) {
                t = stop != null ? TaskResult.skipped("not started: " + stopReason, store.now()) : schedule(id, spec, name, tasks);
            }
            if (!t.equals(e.getValue())) {
                store.save(id, name, t);
                e.setValue(t);
            }
        }
        if (stop != null) {
            stopAll(id, tasks, stopReason);
        }
        if (tasks.values().stream().allMatch(TaskResult::ended)) {
            end(id, spec, tasks, stop, stopReason);
        }
    }

    // A task with a job: its latest state, and its new log lines. Once the job is seen ended its log is
    // copied to the end (in batches), so the combined log is whole before the task counts as ended; the
    // state is read first, so a job ending meanwhile is seen ended, and copied whole, at the next step.
    private TaskResult refresh(String id, String name, TaskResult t) {
        if (t.job() == null || t.ended()) {
            return t;
        }
        Map<String, String> job = store.job(t.job());
        String status = job.get(JobField.STATUS);
        boolean ended = job.isEmpty() || status != null && JobStatus.fromWireName(status).isTerminal();
        boolean more = store.copyLog(id, name, t.job());
        while (more && ended) {
            more = store.copyLog(id, name, t.job());
        }
        if (job.isEmpty()) {
            return new TaskResult(JobStatus.LOST.wireName(), t.job(), t.queue(), null, "its job " + t.job() + " is gone from Redis", null, t.startedAt(), store.now(), null);
        }
        return new TaskResult(job.get(JobField.STATUS), t.job(), t.queue(), number(job.get(JobField.EXIT_CODE)),
                emptyToNull(job.get(JobField.REASON)), JobState.outputs(job.get(JobField.OUTPUTS)), time(job.get(JobField.STARTED_AT)),
                time(job.get(JobField.ENDED_AT)), job.get(JobField.RESULT_SIG));
    }

    // A pending task whose needs all ended: skipped when one of them did not succeed (and may not fail),
    // else submitted as a job with the needs' outputs filled in.
    private TaskResult schedule(String id, WorkflowSpec spec, String name, Map<String, TaskResult> tasks) {
        TaskSpec task = spec.tasks().get(name);
        for (String need : task.needs()) {
            TaskResult n = tasks.get(need);
            if (!n.ended()) {
                return TaskResult.pending();
            }
            if (!n.succeeded() && !(spec.tasks().get(need).continues() && !TaskResult.SKIPPED.equals(n.status()))) {
                return TaskResult.skipped("skipped: it needs " + need + ", which " + (TaskResult.SKIPPED.equals(n.status()) ? "was skipped"
                        : "ended " + n.status()), store.now());
            }
            if (n.succeeded()) {
                // its success and outputs come from Redis, and this task is signed with this worker's key:
                // they must be as the worker that ran the need signed them
                try {
                    queue.verifyResult(TaskJobs.jobId(id, need), n.outputs(), n.resultSig());
                } catch (RejectedJobException e) {
                    String reason = "not submitted: the result of " + need + " in Redis is not the one its worker signed (" + e.getMessage() + ")";
                    store.note(id, "[" + name + "] " + reason);
                    return new TaskResult(JobStatus.REJECTED.wireName(), null, task.queue(), null, reason, null, null, store.now(), null);
                }
            }
        }
        String jobId = TaskJobs.jobId(id, name);
        JobSpec job;
        try {
            job = TaskJobs.job(id, spec, name, task, (t, k) -> {
                String v = tasks.get(t).outputs().get(k);
                if (v == null) {
                    throw new IllegalArgumentException("task " + t + " did not set output '" + k + "' (a line " + k
                            + "=VALUE in $DEPLOYSTER_OUTPUT), which " + name + " uses");
                }
                return v;
            });
            queue.submitTask(jobId, job);
        } catch (IllegalArgumentException e) { // an invalid job too (InvalidJobException)
            String reason = "could not be submitted: " + e.getMessage();
            store.note(id, "[" + name + "] " + reason);
            return new TaskResult(JobStatus.FAILED.wireName(), null, task.queue(), null, reason, null, null, store.now(), null);
        } catch (DuplicateJobException e) {
            job = null; // submitted by an earlier step whose record was lost: carry on with it
        }
        return new TaskResult(JobStatus.QUEUED.wireName(), jobId, job == null ? task.queue() : job.queueOrDefault(), null, null, null, null, null, null);
    }

    // Running tasks are asked to stop and end cancelled; one whose job had not started yet is ended at
    // once, and counts as skipped, as a task never submitted does.
    private void stopAll(String id, Map<String, TaskResult> tasks, String reason) {
        for (Map.Entry<String, TaskResult> e : tasks.entrySet()) {
            TaskResult t = e.getValue();
            if (t.job() != null && !t.ended() && queue.cancel(t.job(), reason) == JobQueue.CancelOutcome.CANCELLED) {
                // its job stays named: it exists, cancelled, and an operator may look it up
                TaskResult skipped = new TaskResult(TaskResult.SKIPPED, t.job(), t.queue(), null, "not started: " + reason, null, null,
                        store.now(), null);
                store.save(id, e.getKey(), skipped);
                e.setValue(skipped);
            }
        }
    }

    // Usually before any task ran; a record that passed another coordinator's check (one without keys,
    // in a fleet being given keys) may have tasks started already: they are named and stopped, and the
    // workflow stays on the coordinators' list until windUp has seen them end.
    private void reject(String id, WorkflowSpec spec, Map<String, TaskResult> tasks, String why) {
        List<String> started = new ArrayList<>();
        tasks.forEach((name, t) -> {
            if (t.job() != null && !JobStatus.QUEUED.wireName().equals(t.status()) && !JobStatus.WAITING.wireName().equals(t.status())) {
                started.add(name);
            }
        });
        String reason = started.isEmpty() ? "rejected, no task run: " + why
                : "rejected after task(s) " + String.join(", ", started) + " had started (stopped now): " + why;
        tasks.forEach((name, t) -> {
            if (TaskResult.PENDING.equals(t.status())) {
                store.save(id, name, TaskResult.skipped(reason, store.now()));
            }
        });
        stopAll(id, tasks, reason);
        if (queue.finish(id, spec.project(), JobStatus.REJECTED, null, null, reason)) {
            LOG.log(Level.WARNING, "workflow {0} of project {1} rejected: {2}", id, spec.project(), why);
        }
        if (tasks.values().stream().allMatch(TaskResult::ended)) {
            store.forget(id);
        }
    }

    private void end(String id, WorkflowSpec spec, Map<String, TaskResult> tasks, JobStatus stop, String stopReason) {
        List<String> skipped = new ArrayList<>();
        // every task that failed on its own (an exit code, its own timeout), not only the first: a user
        // fixing one should not learn of the next from the following run
        List<String> failures = new ArrayList<>();
        tasks.forEach((name, t) -> {
            if (TaskResult.SKIPPED.equals(t.status())) {
                skipped.add(name);
            } else if (!t.succeeded() && !spec.tasks().get(name).continues()
                    && !(stop != null && JobStatus.CANCELLED.wireName().equals(t.status()))) {
                failures.add("task " + name + " " + t.status() + (t.reason() == null ? "" : ": " + t.reason()));
            }
        });
        String skippedText = skipped.isEmpty() ? "" : "; skipped: " + String.join(", ", skipped);
        JobStatus status;
        String reason;
        if (stop != null) {
            status = stop;
            // a task's own failure is often why the workflow ran out of time: the stop's reason alone would hide it
            reason = stopReason + skippedText + (failures.isEmpty() ? "" : "; before that, " + String.join("; ", failures));
        } else if (!failures.isEmpty()) {
            status = JobStatus.FAILED;
            reason = String.join("; ", failures) + skippedText;
        } else {
            status = JobStatus.SUCCEEDED;
            reason = null;
        }
        if (queue.finish(id, spec.project(), status, null, null, reason)) {
            LOG.log(Level.INFO, "workflow {0} of project {1} {2}{3}", id, spec.project(), status.wireName(), reason == null ? "" : ": " + reason);
            onEnd.accept(id);
        }
        store.forget(id);
    }

    private void windUp(String id, Map<String, TaskResult> tasks, String reason) {
        boolean allEnded = true;
        for (Map.Entry<String, TaskResult> e : tasks.entrySet()) {
            TaskResult t = refresh(id, e.getKey(), e.getValue());
            if (TaskResult.PENDING.equals(t.status())) {
                t = TaskResult.skipped("not started: " + reason, store.now());
            } else if (!t.ended()) {
                queue.cancel(t.job(), reason);
                allEnded = false;
            }
            if (!t.equals(e.getValue())) {
                store.save(id, e.getKey(), t);
            }
        }
        if (allEnded) {
            store.forget(id);
        }
    }

    private static Integer number(String v) {
        return v == null || v.isEmpty() ? null : Integer.valueOf(v);
    }

    private static Long time(String v) {
        return v == null || v.isEmpty() ? null : Long.valueOf(v);
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }
}
