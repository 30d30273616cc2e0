package io.deployster.jenkins;

import io.deployster.jenkins.credentials.RedisAddress;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.Mode;
import io.deployster.log.LiveLines;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFormat;
import io.deployster.queue.JobQueue;
import io.deployster.redis.RedisUri;
import io.deployster.secret.Masker;
import io.deployster.workflow.WorkflowResult;
import io.deployster.workflow.WorkflowSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines the step writes to the build console. Output lines pass through unchanged (ANSI colours
 * included, for the AnsiColor plugin to render) except for masked secrets; Deployster's own notes
 * start with {@value #PREFIX}. Quiet mode keeps the output and the end, and drops the notes.
 */
public final class ConsoleRenderer {
    public static final String PREFIX = "[deployster] ";

    private final boolean quiet;
    private final Masker masker;
    private final LiveLines live = new LiveLines(false);

    public ConsoleRenderer(boolean quiet, Masker masker) {
        this.quiet = quiet;
        this.masker = masker;
    }

    /**
     * @return the console line for a log entry (without line end), or null when it is not shown; a
     *     line whose start was already written by {@link #partial} gives only its rest
     */
    public String render(LogEntry entry) {
        if (entry.isPartial()) {
            return null;
        }
        if (entry.isLine()) {
            String out = live.line(entry.stream(), masker.mask(entry.text()));
            return out.substring(0, out.length() - 1);
        }
        if (quiet && !entry.isFinished()) {
            return null;
        }
        String note = LogFormat.render(entry);
        return note == null ? null : masker.mask(note);
    }

    /**
     * For a partial line (a prompt, progress dots): the characters to append to the console now,
     * without a line end, or null. A build log cannot rewrite a line, so a {@code \r} progress bar
     * shows its first state here and its final one when the line ends.
     */
    public String partial(LogEntry entry) {
        if (!entry.isPartial()) {
            return null;
        }
        String out = live.partial(entry.stream(), masker.maskCut(entry.partialText()));
        return out.isEmpty() ? null : out;
    }

    /** A note of the step's own, or null in quiet mode. */
    public String note(String text) {
        return quiet ? null : masker.mask(PREFIX + text);
    }

    public static String submitted(String jobId, JobSpec spec, String redisUri) {
        String what = spec.mode() == Mode.ANSIBLE
                ? "ansible-playbook " + spec.playbook()
                : spec.commands().size() + (spec.commands().size() == 1 ? " command in " : " commands in ") + spec.cd();
        return PREFIX + "submitted job " + jobId + ": project " + spec.project() + ", queue " + spec.queueOrDefault()
                + ", " + what + " (Redis " + redactedUri(redisUri) + ")";
    }

    /** The submit line of a job or a workflow. */
    public static String submitted(String id, DeployRequest request) {
        return request.isWorkflow() ? submitted(id, request.workflow(), request.redisUri()) : submitted(id, request.spec(), request.redisUri());
    }

    /** A workflow's submit line: its tasks in the file's order, each with its queue (before output references are filled in). */
    public static String submitted(String id, WorkflowSpec workflow, String redisUri) {
        StringBuilder tasks = new StringBuilder();
        workflow.tasks().forEach((name, task) -> tasks.append(tasks.length() == 0 ? "" : ", ").append(name)
                .append(" (queue ").append(task.queue() == null ? JobSpec.DEFAULT_QUEUE : task.queue()).append(')'));
        return PREFIX + "submitted workflow " + id + ": project " + workflow.project() + ", " + workflow.tasks().size()
                + (workflow.tasks().size() == 1 ? " task: " : " tasks: ") + tasks + " (Redis " + redactedUri(redisUri) + ")";
    }

    public static String resumed(String jobId, String afterEntry) {
        return PREFIX + "Jenkins restarted: following job " + jobId + " again after log entry " + afterEntry;
    }

    public static String cancelling(String jobId) {
        return PREFIX + "cancelling deployster job " + jobId;
    }

    public static String cancelOutcome(String jobId, JobQueue.CancelOutcome outcome) {
        return PREFIX + switch (outcome) {
            case CANCELLED -> "job " + jobId + " was cancelled before it started";
            case REQUESTED -> "asked the worker to stop job " + jobId + "; waiting for it to end";
            case FINISHED -> "job " + jobId + " had already ended";
            case UNKNOWN -> "job " + jobId + " is no longer in Redis";
            default -> "job " + jobId + ": " + outcome;
        };
    }

    public static String cancelFailed(String jobId, String why) {
        return PREFIX + "could not cancel job " + jobId + " (" + why + "); it may still run: check with 'deployster status " + jobId + "'";
    }

    public static String redisUnreachable(String redisUri, String why) {
        return PREFIX + "Redis " + redactedUri(redisUri) + " is unreachable (" + why + "); retrying";
    }

    /** The step's failure when the submit itself could not reach Redis. */
    public static String notSubmitted(String redisUri, String why) {
        return "deployster: Redis " + redactedUri(redisUri) + " is unreachable (" + why + "); the job was not submitted";
    }

    /**
     * The step's failure when Jenkins restarted (or crashed) while the step was submitting, before it
     * recorded the job: there is nothing to follow, and whether the job was submitted is unknown.
     */
    public static String restartedWhileSubmitting() {
        return "deployster: Jenkins restarted while the step was submitting its job, before the job id was recorded; "
                + "the job may have been submitted and run without this build following it";
    }

    public static String redisBack(String redisUri) {
        return PREFIX + "Redis " + redactedUri(redisUri) + " is reachable again";
    }

    /** Agent mode: the command line about to run (no secret is ever on it: they are in files). */
    public static String agentCommand(String where, List<String> argv) {
        return PREFIX + "running on " + where + ": " + String.join(" ", argv);
    }

    /** The last line: how the job ended, where, and how long it took. */
    public static String summary(JobState state) {
        StringBuilder s = new StringBuilder(PREFIX).append("job ").append(state.id()).append(' ').append(state.status().wireName());
        if (state.worker() != null) {
            s.append(" on worker ").append(state.worker());
        }
        if (state.durationMillis() != null) {
            s.append(String.format(Locale.ROOT, " in %.1f s", state.durationMillis() / 1000.0));
        }
        if (state.exitCode() != null) {
            s.append(" (exit code ").append(state.exitCode()).append(')');
        }
        return s.toString();
    }

    /**
     * A workflow's last lines: how it ended and how long it took, then one line per task in the file's
     * order (status, exit code, queue, duration, job; the reason of a task that did not succeed).
     */
    public static List<String> summary(JobState state, WorkflowResult result) {
        List<String> lines = new ArrayList<>();
        StringBuilder s = new StringBuilder(PREFIX).append("workflow ").append(state.id()).append(' ').append(state.status().wireName());
        if (state.durationMillis() != null) {
            s.append(String.format(Locale.ROOT, " in %.1f s", state.durationMillis() / 1000.0));
        }
        lines.add(s.toString());
        if (result != null) {
            result.tasks().forEach((name, t) -> {
                StringBuilder line = new StringBuilder(PREFIX).append("  ").append(name).append(": ").append(t.status());
                if (t.exitCode() != null) {
                    line.append(" (exit code ").append(t.exitCode()).append(')');
                }
                if (t.queue() != null) {
                    line.append(" on queue ").append(t.queue());
                }
                if (t.startedAt() != null && t.endedAt() != null) {
                    line.append(String.format(Locale.ROOT, " in %.1f s", (t.endedAt() - t.startedAt()) / 1000.0));
                }
                if (t.job() != null) {
                    line.append(", job ").append(t.job());
                }
                if (!t.succeeded() && t.reason() != null) {
                    line.append(": ").append(t.reason());
                }
                lines.add(line.toString());
            });
        }
        return lines;
    }

    private static String redactedUri(String uri) {
        try {
            return RedisUri.parse(uri).toString();
        } catch (IllegalArgumentException e) {
            return RedisAddress.redact(String.valueOf(uri));
        }
    }
}
