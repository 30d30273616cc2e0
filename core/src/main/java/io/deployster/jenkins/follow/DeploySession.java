package io.deployster.jenkins.follow;

import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.queue.QueueSettings;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a queue-mode step must remember across a Jenkins restart: which job, which Redis (without
 * credentials), the ids (never the values) of the credentials whose values the console masks, and the
 * id of the last log entry it printed. It is saved with the step (Java
 * serialization); printing an entry and moving past it happen under this object's lock, and so does
 * saving, so a saved session never points before or after what the console shows.
 */
public final class DeploySession implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final String project;
    private final String redisUri;
    private final long lockTtlSeconds;
    private final long retentionDays;
    private final boolean quiet;
    private final LockMirror mirror;
    /** Null in sessions saved before secrets existed. */
    private final ArrayList<String> secretCredentialIds;
    /** The id is a workflow's (false in sessions saved before workflows existed, which were all jobs). */
    private boolean workflow;
    private String lastEntryId = LogFollower.START;
    private String phase = "queued";
    private String waitingBehind;
    private boolean finishedSeen;
    private boolean stopRequested;

    public DeploySession(String jobId, String project, String redisUri, QueueSettings settings, boolean quiet) {
        this(jobId, project, redisUri, settings, quiet, List.of());
    }

    /** @param secretCredentialIds credentials whose values are masked in the console (looked up again after a restart) */
    public DeploySession(String jobId, String project, String redisUri, QueueSettings settings, boolean quiet,
                         Collection<String> secretCredentialIds) {
        this.secretCredentialIds = new ArrayList<>(secretCredentialIds);
        this.jobId = jobId;
        this.project = project;
        this.redisUri = redisUri;
        this.lockTtlSeconds = settings.lockTtl().toSeconds();
        this.retentionDays = settings.retention().toDays();
        this.quiet = quiet;
        this.mirror = new LockMirror(project);
    }

    public static DeploySession of(String jobId, DeployRequest request) {
        DeploySession session = new DeploySession(jobId, request.project(), request.redisUri(), request.queueSettings(),
                request.quiet(), request.secretCredentialIds());
        session.workflow = request.isWorkflow();
        return session;
    }

    public String jobId() {
        return jobId;
    }

    /** True when the id is a workflow's: the step ends with the workflow's result, each task's included. */
    public boolean workflow() {
        return workflow;
    }

    public String project() {
        return project;
    }

    /** The Redis the job was submitted to, without credentials. */
    public String redisUri() {
        return redisUri;
    }

    public QueueSettings queueSettings() {
        return GlobalSettings.queueSettings(lockTtlSeconds, retentionDays);
    }

    public boolean quiet() {
        return quiet;
    }

    /** The credentials whose values the console masks; to look up again when following after a restart. */
    public List<String> secretCredentialIds() {
        return secretCredentialIds == null ? List.of() : List.copyOf(secretCredentialIds);
    }

    public LockMirror mirror() {
        return mirror;
    }

    public synchronized String lastEntryId() {
        return lastEntryId;
    }

    public synchronized boolean finishedSeen() {
        return finishedSeen;
    }

    public synchronized boolean stopRequested() {
        return stopRequested;
    }

    public synchronized void requestStop() {
        stopRequested = true;
    }

    /** Records that {@code entry} has been shown; the next read starts after it. */
    public synchronized void advance(LogEntry entry) {
        lastEntryId = entry.id();
        String event = entry.event();
        if (event == null) {
            return;
        }
        switch (event) {
            case Event.WAITING -> {
                phase = "waiting";
                waitingBehind = entry.field(LogField.BEHIND);
            }
            case Event.STARTED -> {
                phase = "running";
                waitingBehind = null;
            }
            case Event.FINISHED -> {
                phase = "finished";
                finishedSeen = true;
            }
            default -> {
                // lines and other events do not change the phase
            }
        }
    }

    /** A short description of what the step is doing, for Jenkins' thread dump of the build. */
    public synchronized String status() {
        String s = "deployster " + (workflow ? "workflow " : "job ") + jobId + " (project " + project + "): ";
        return s + switch (phase) {
            case "waiting" -> "waiting for the project lock behind job " + waitingBehind;
            case "running" -> "running, console at log entry " + lastEntryId;
            case "finished" -> "finished";
            default -> "queued";
        } + (stopRequested ? ", cancel requested" : "");
    }

    private synchronized void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
    }
}
