package io.deployster.log;

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
            case "queued" -> entry.field("queue") == null || entry.field("queue").isEmpty()
                    ? "[deployster] queued for the project's lock (a workflow: each task runs on its own queue)"
                    : "[deployster] queued on '" + entry.field("queue") + "'";
            case "waiting" -> "[deployster] waiting for the project lock, behind job " + entry.field("behind")
                    + (blank(entry.field("behindSubmittedBy")) ? "" : " (" + entry.field("behindSubmittedBy") + ")");
            case "started" -> "[deployster] started on worker " + entry.field("worker");
            case "command" -> "[deployster] $ " + entry.field("command");
            case "command-ended" -> "0".equals(entry.field("exit")) ? null
                    : "[deployster] command " + (Integer.parseInt(entry.field("index")) + 1) + " exited with " + entry.field("exit");
            case "finished" -> "[deployster] " + entry.field("status")
                    + (blank(entry.field("exit")) ? "" : " (exit code " + entry.field("exit") + ")")
                    + (blank(entry.field("reason")) ? "" : ": " + entry.field("reason"));
            default -> "[deployster] " + event + (blank(entry.field("message")) ? "" : ": " + entry.field("message"));
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
