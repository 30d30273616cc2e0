package io.deployster.callback;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.deployster.job.JobCodec;
import io.deployster.job.JobState;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.protocol.JobField;
import io.deployster.workflow.TaskResult;
import io.deployster.workflow.WorkflowResult;
import io.deployster.workflow.WorkflowSpec;
import io.deployster.workflow.WorkflowStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of callbacks (docs/workflows.md, "Callbacks"), built from what Redis holds once the
 * job or workflow ended. Times are epoch milliseconds; absent values are JSON null.
 */
final class CallbackPayloads {
    /** Per task and stream, at most this many characters of output go into a task-list callback. */
    static final int MAX_STREAM_CHARS = 1024 * 1024;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final int PAGE = 5000;

    private final WorkflowStore workflows;
    private final LogFollower logs;

    CallbackPayloads(WorkflowStore workflows, LogFollower logs) {
        this.workflows = workflows;
        this.logs = logs;
    }

    /** The callback URL of the job or workflow recorded in {@code hash}, or null when it has none. */
    static String url(Map<String, String> hash) {
        String spec = hash.get(JobField.SPEC);
        if (spec == null || spec.isEmpty()) {
            return null;
        }
        Object url = ((Map<?, ?>) JobCodec.parseValue(spec)).get("callbackUrl");
        return url == null ? null : url.toString();
    }

    static boolean isWorkflow(Map<String, String> hash) {
        return JobField.KIND_WORKFLOW.equals(hash.get(JobField.KIND));
    }

    /**
     * A job: {@code kind} "job", {@code id}, {@code project}, {@code queue}, {@code status}, {@code exitCode},
     * {@code failedCommand} (0-based), {@code reason}, {@code worker}, {@code submittedBy}, {@code submittedAt},
     * {@code startedAt}, {@code endedAt}, {@code outputs}.
     */
    byte[] job(String id, Map<String, String> hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "job");
        m.put("id", id);
        m.put("project", hash.get(JobField.PROJECT));
        m.put("queue", hash.get(JobField.QUEUE));
        m.put("status", hash.get(JobField.STATUS));
        m.put("exitCode", number(hash.get(JobField.EXIT_CODE)));
        m.put("failedCommand", number(hash.get(JobField.FAILED_COMMAND)));
        m.put("reason", empty(hash.get(JobField.REASON)));
        m.put("worker", empty(hash.get(JobField.WORKER)));
        submittedAndTimes(m, hash);
        m.put("outputs", JobState.outputs(hash.get(JobField.OUTPUTS)));
        return bytes(m);
    }

    /**
     * A workflow: {@code kind} "workflow", {@code id}, {@code project}, {@code status}, {@code reason},
     * {@code submittedAt}, {@code startedAt}, {@code endedAt}, and {@code tasks}: by name, in the file's
     * order, each {@code status}, {@code job}, {@code queue}, {@code exitCode}, {@code reason},
     * {@code outputs}, {@code startedAt}, {@code endedAt}. A task-list workflow gets the task-list shape instead.
     */
    byte[] workflow(String id, Map<String, String> hash) {
        WorkflowResult result = workflows.result(id);
        WorkflowSpec spec = WorkflowStore.spec(hash);
        if (spec.taskList() != null) {
            return taskList(spec, result);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "workflow");
        m.put("id", id);
        m.put("project", hash.get(JobField.PROJECT));
        m.put("status", hash.get(JobField.STATUS));
        m.put("reason", empty(hash.get(JobField.REASON)));
        submittedAndTimes(m, hash);
        m.put("tasks", result.tasks());
        return bytes(m);
    }

    private static void submittedAndTimes(Map<String, Object> m, Map<String, String> hash) {
        m.put("submittedBy", empty(hash.get(JobField.SUBMITTED_BY)));
        m.put("submittedAt", number(hash.get(JobField.SUBMITTED_AT)));
        m.put("startedAt", number(hash.get(JobField.STARTED_AT)));
        m.put("endedAt", number(hash.get(JobField.ENDED_AT)));
    }

    /**
     * The task-list route's shape: {@code __image}, {@code __callback_url}, and {@code tasks} in the order
     * given, each {@code name}, {@code status} (the exit status; null when it never ran), {@code args} and
     * {@code result.stdout} / {@code result.stderr}: the task's output lines, each stream on its own.
     */
    private byte[] taskList(WorkflowSpec spec, WorkflowResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("__image", spec.taskList().image());
        m.put("__callback_url", spec.callbackUrl());
        List<Object> tasks = new ArrayList<>();
        result.tasks().forEach((name, t) -> {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("name", name);
            task.put("status", t.exitCode());
            task.put("args", spec.taskList().args().getOrDefault(name, List.of()));
            task.put("result", streams(t));
            tasks.add(task);
        });
        m.put("tasks", tasks);
        return bytes(m);
    }

    // the task job's own log marks each line with its stream (field s: out or err); lines are joined with \n
    private Map<String, String> streams(TaskResult t) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        if (t.job() != null) {
            String after = LogFollower.START;
            while (true) {
                List<LogEntry> page = logs.read(t.job(), after, PAGE);
                for (LogEntry e : page) {
                    if (e.isLine()) {
                        append(LogEntry.STDERR.equals(e.stream()) ? err : out, e.text());
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stdout", out.toString());
        m.put("stderr", err.toString());
        return m;
    }

    private static void append(StringBuilder b, String line) {
        if (b.length() >= MAX_STREAM_CHARS) {
            return;
        }
        if (b.length() + line.length() + 1 > MAX_STREAM_CHARS) {
            b.append("[deployster: output cut at ").append(MAX_STREAM_CHARS).append(" characters]\n");
            return;
        }
        b.append(line).append('\n');
    }

    private static byte[] bytes(Object value) {
        return GSON.toJson(value).getBytes(StandardCharsets.UTF_8);
    }

    private static Long number(String v) {
        return v == null || v.isEmpty() ? null : Long.valueOf(v);
    }

    private static String empty(String v) {
        return v == null || v.isEmpty() ? null : v;
    }
}
