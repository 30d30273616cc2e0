package io.deployster.cli;

import io.deployster.callback.Delivery;
import io.deployster.client.DeploysterClient;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.ops.WorkerInfo;
import io.deployster.ops.WorkersView;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.WorkflowResult;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a job's state; the exit code is the job's (0 succeeded, 1 failed, ...) or 9 while it has not ended.")
final class StatusCommand extends JobCommand {
    static final int NOT_ENDED = ExitCodes.NOT_ENDED;

    @Override
    public Integer call() {
        try (DeploysterClient client = redis.client()) {
            JobState state = client.status(id);
            if (state == null) {
                throw new NoSuchJobException(id);
            }
            var out = spec.commandLine().getOut();
            out.println(Console.summary(state));
            WorkflowResult workflow = client.workflow(id);
            // a workflow has no queue of its own: each task line names its queue
            out.println("  project: " + state.project() + (workflow != null ? ", workflow (each task runs on its own queue)"
                    : ", queue: " + state.queue()));
            if (state.submittedBy() != null && !state.submittedBy().isBlank()) {
                out.println("  submitted by: " + state.submittedBy());
            }
            boolean notStarted = state.status() == JobStatus.QUEUED || state.status() == JobStatus.WAITING;
            // a waiting job the lock was handed to is back on its queue: it waits for a worker, not behind the job that ended
            boolean handedTheLock = state.status() == JobStatus.WAITING && workflow == null
                    && id.equals(client.lockHolder(state.project()));
            if (handedTheLock) {
                out.println("  lock: handed to it" + (state.waitingBehind() != null ? " when job " + state.waitingBehind() + " ended" : "")
                        + "; it waits on queue " + state.queue() + " for a worker to start it");
            } else if (state.waitingBehind() != null && state.status() == JobStatus.WAITING) {
                out.println("  waiting behind job: " + state.waitingBehind());
            }
            if (workflow == null && (state.status() == JobStatus.QUEUED || handedTheLock) && state.queue() != null
                    && !client.unserved(List.of(state.queue())).isEmpty()) {
                out.println("  waiting for a worker of queue " + state.queue() + ": no live worker serves it (start one with "
                        + "'deployster worker --queues " + state.queue() + "', or cancel it with 'deployster cancel " + id
                        + "'); later deploys of project " + state.project() + " wait behind it");
            }
            if (state.status() == JobStatus.RUNNING && state.worker() != null && workflow == null) {
                WorkerInfo worker = client.worker(state.worker());
                if (worker != null && !worker.alive()) {
                    out.println("  worker " + state.worker() + " sends no heartbeat"
                            + (worker.lastHeartbeat() != null ? " (last " + (Instant.now().getEpochSecond()
                                    - worker.lastHeartbeat().getEpochSecond()) + " s ago)" : "")
                            + ": it crashed, was stopped or cannot reach Redis. A live worker marks the job lost once its lease "
                            + "runs out; with none running, start one ('deployster workers' lists them)");
                }
            }
            if (state.fencingToken() != null) {
                out.println("  fencing token: " + state.fencingToken() + " (grant of project " + state.project() + "'s lock it "
                        + (notStarted ? "holds, to run under" : "ran under") + ")");
            }
            if (state.failedCommand() != null) {
                out.println("  failed command: " + (state.failedCommand() + 1));
            }
            if (!state.outputs().isEmpty()) {
                out.println("  outputs: " + outputs(state.outputs()));
            }
            if (workflow != null) {
                out.println("  tasks:");
                Set<String> served = workflow.tasks().values().stream().anyMatch(t -> "queued".equals(t.status())) ? servedQueues()
                        : Set.of();
                workflow.tasks().forEach((name, t) -> {
                    out.println(task(name, t));
                    // a task on a queue nobody serves holds the workflow's lock until its timeout: say so
                    if ("queued".equals(t.status()) && t.queue() != null && !served.contains(t.queue())) {
                        out.println("      waiting for a worker of queue " + t.queue() + ": no live worker serves it (start one with "
                                + "'deployster worker --queues " + t.queue() + "')");
                    }
                });
            }
            Delivery callback = client.callback(id);
            if (callback != null) {
                out.println("  callback: " + callback.summary());
            }
            return state.status().isTerminal() ? ExitCodes.of(state.status()) : NOT_ENDED;
        }
    }

    /** The queues some live worker serves. */
    private Set<String> servedQueues() {
        try (Redis pool = redis.connect(1)) {
            Keys keys = Keys.defaults();
            Set<String> served = new HashSet<>();
            new WorkersView(pool, keys, Clock.systemUTC()).list().stream()
                    .filter(WorkerInfo::alive).forEach(w -> served.addAll(w.queues()));
            return served;
        }
    }

    /** One task: {@code    deploy: succeeded, exit code 0, queue appserver-2, 2.1 s, job ID, outputs: k=v}, its reason on the next line. */
    static String task(String name, TaskResult t) {
        StringBuilder s = new StringBuilder("    ").append(name).append(": ").append(t.status());
        if (t.exitCode() != null) {
            s.append(", exit code ").append(t.exitCode());
        }
        if (t.queue() != null) {
            s.append(", queue ").append(t.queue());
        }
        if (t.startedAt() != null) {
            s.append(", started ").append(Instant.ofEpochMilli(t.startedAt()));
            if (t.endedAt() != null) {
                s.append(String.format(Locale.ROOT, ", %.1f s", (t.endedAt() - t.startedAt()) / 1000.0));
            }
        }
        if (t.job() != null) {
            s.append(", job ").append(t.job());
        }
        if (!t.outputs().isEmpty()) {
            s.append(", outputs: ").append(outputs(t.outputs()));
        }
        if (t.reason() != null) {
            s.append("\n      ").append(t.reason());
        }
        return s.toString();
    }

    /** {@code k=v k2=v2}, in the order the job wrote them. */
    private static String outputs(Map<String, String> outputs) {
        return String.join(" ", outputs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
