package io.deployster.job;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** Job ids that sort by submit time and are safe in keys, file names and URLs: 20261122-103512-k3f9x2ab. */
public final class JobIds {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public JobIds(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        StringBuilder id = new StringBuilder(TIME.format(clock.instant())).append('-');
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /**
     * Job id of task {@code task} of workflow {@code workflowId}: {@code WORKFLOW.TASK} (docs/workflows.md).
     * Derived, so a second submit of a task is a DUPLICATE, and a worker can tell a workflow's own task from
     * a job merely naming the workflow (producers never choose ids).
     */
    public static String taskJobId(String workflowId, String task) {
        return workflowId + "." + task;
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** @throws IllegalArgumentException naming the value and what a job id looks like */
    public static String check(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("job id '" + id + "' is not valid; a job id is 1 to 100 of A-Z a-z 0-9 . _ - as printed by submit");
        }
        return id;
    }
}
