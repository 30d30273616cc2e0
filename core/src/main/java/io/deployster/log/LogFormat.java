package io.deployster.log;

import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;

/** How log entries read on a console: output lines as they were, events as short bracketed notes. */
public final class LogFormat {
    private LogFormat() {
    }

    /** @return the console line for the entry, or null for events a reader need not see */
    public static String render(LogEntry entry) {
        if (entry.isLine()) {
            return entry.text();
        }
        String event = entry.event();
        if (event == null) {
            return null;
        }
        return switch (event) {
            // a workflow has no queue of its own (its tasks name theirs): never "queued on ''"
            case Event.QUEUED -> entry.field(LogField.QUEUE) == null || entry.field(LogField.QUEUE).isEmpty()
                    ? "[deployster] queued for the project's lock (a workflow: each task runs on its own queue)"
                    : "[deployster] queued on '" + entry.field(LogField.QUEUE) + "'";
            case Event.WAITING -> "[deployster] waiting for the project lock, behind job " + entry.field(LogField.BEHIND)
                    + (blank(entry.field(LogField.BEHIND_SUBMITTED_BY)) ? "" : " (" + entry.field(LogField.BEHIND_SUBMITTED_BY) + ")");
            case Event.STARTED -> "[deployster] started on worker " + entry.field(LogField.WORKER);
            case Event.COMMAND -> "[deployster] $ " + entry.field(LogField.COMMAND);
            case Event.COMMAND_ENDED -> "0".equals(entry.field(LogField.EXIT)) ? null
                    : "[deployster] command " + (Integer.parseInt(entry.field(LogField.INDEX)) + 1) + " exited with " + entry.field(LogField.EXIT);
            case Event.FINISHED -> "[deployster] " + entry.field(LogField.STATUS)
                    + (blank(entry.field(LogField.EXIT)) ? "" : " (exit code " + entry.field(LogField.EXIT) + ")")
                    + (blank(entry.field(LogField.REASON)) ? "" : ": " + entry.field(LogField.REASON));
            default -> "[deployster] " + event + (blank(entry.field(LogField.MESSAGE)) ? "" : ": " + entry.field(LogField.MESSAGE));
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
