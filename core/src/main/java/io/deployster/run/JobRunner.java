package io.deployster.run;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.job.Mode;
import io.deployster.log.LineReader;
import io.deployster.log.LogEntry;
import io.deployster.log.LogWriter;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one job's processes on this host and streams their output into the job's log. One instance
 * per job; {@link #stop} may be called from any thread to end it early.
 */
public final class JobRunner {
    /** How long output may still arrive after a command exited (from children it left behind). */
    private static final long DRAIN_MILLIS = 2000;

    private final String jobId;
    private final JobSpec spec;
    private final Secrets secrets;
    private final Masker masker;
    private final LogWriter log;
    private final LineReader lines;
    private final long killGraceMillis;
    private ProcessGroup current;
    private JobStatus stopStatus;
    private String stopReason;

    /** @param secrets the job's opened secrets: exported or passed privately, and masked in every line */
    public JobRunner(String jobId, JobSpec spec, Secrets secrets, LogWriter log, LineReader lines, long killGraceMillis) {
        this.jobId = jobId;
        this.spec = spec;
        this.secrets = secrets;
        this.masker = secrets.masker();
        this.log = log;
        this.lines = lines.masking(masker);
        this.killGraceMillis = killGraceMillis;
    }

    public Outcome run() throws InterruptedException {
        return (spec.kind() == Mode.ANSIBLE ? runAnsible() : runCommands()).masked(masker);
    }

    /**
     * Ends the run: TERM to the running process group, KILL after the grace period.
     *
     * @param status CANCELLED or TIMED_OUT
     */
    public void stop(JobStatus status, String reason) throws InterruptedException {
        ProcessGroup group;
        synchronized (this) {
            if (stopStatus != null) {
                return;
            }
            stopStatus = status;
            stopReason = reason;
            group = current;
        }
        log.event("stopping", "message", reason);
        if (group != null) {
            group.terminate(killGraceMillis);
        }
    }

    private Outcome runCommands() throws InterruptedException {
        File dir = new File(spec.cd());
        if (WorkingDirectory.problem(dir, "cd") != null) {
            return new Outcome(JobStatus.FAILED, null, null, WorkingDirectory.problem(dir, "cd"));
        }
        Map<String, String> jobEnv = new LinkedHashMap<>(spec.env() == null ? Map.of() : spec.env());
        jobEnv.putAll(secrets.env());
        if (!jobEnv.isEmpty()) {
            try {
                DotEnv.write(dir.toPath().resolve(".env"), jobEnv);
            } catch (IOException | IllegalArgumentException e) {
                return new Outcome(JobStatus.FAILED, null, null, "could not write " + spec.cd() + "/.env: " + e.getMessage());
            }
        }
        Map<String, String> env = new HashMap<>(describeJob());
        env.putAll(jobEnv);
        List<String> commands = spec.commands();
        for (int i = 0; i < commands.size(); i++) {
            log.event("command", "index", Integer.toString(i), "command", masker.mask(commands.get(i)));
            int exit;
            try {
                exit = runProcess(List.of("/bin/sh", "-c", commands.get(i)), dir, env);
            } catch (IOException e) {
                return new Outcome(JobStatus.FAILED, null, i, "could not start command " + (i + 1) + ": " + e.getMessage());
            }
            log.event("command-ended", "index", Integer.toString(i), "exit", Integer.toString(exit));
            Outcome stopped = stopped(exit, i);
            if (stopped != null) {
                return stopped;
            }
            if (exit != 0) {
                return new Outcome(JobStatus.FAILED, exit, i,
                        "command " + (i + 1) + " of " + commands.size() + " exited with " + exit + ": " + commands.get(i));
            }
        }
        return new Outcome(JobStatus.SUCCEEDED, 0, null, null);
    }

    private Outcome runAnsible() throws InterruptedException {
        File dir = new File(spec.cwd() == null ? System.getProperty("user.dir") : spec.cwd());
        if (WorkingDirectory.problem(dir, "cwd") != null) {
            return new Outcome(JobStatus.FAILED, null, null, WorkingDirectory.problem(dir, "cwd"));
        }
        Path privateDir = null;
        try {
            Path secretVars = null;
            if (!secrets.extraVars().isEmpty()) {
                // secret extra vars go in a private file, never on the command line where ps shows them
                privateDir = Files.createTempDirectory("deployster-" + jobId + "-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                secretVars = privateDir.resolve("secret-vars.json");
                Files.writeString(secretVars, JobCodec.toJson(secrets.extraVars()), StandardCharsets.UTF_8);
            }
            List<String> argv = AnsibleCommand.argv(spec, secretVars);
            log.event("command", "index", "0", "command", String.join(" ", argv));
            Map<String, String> env = new HashMap<>(describeJob());
            env.put("PYTHONUNBUFFERED", "1");
            int exit = runProcess(argv, dir, env);
            log.event("command-ended", "index", "0", "exit", Integer.toString(exit));
            Outcome stopped = stopped(exit, 0);
            if (stopped != null) {
                return stopped;
            }
            return exit == 0 ? new Outcome(JobStatus.SUCCEEDED, 0, null, null)
                    : new Outcome(JobStatus.FAILED, exit, 0, "ansible-playbook exited with " + exit + " (" + spec.playbook() + ")");
        } catch (IOException e) {
            return new Outcome(JobStatus.FAILED, null, 0, "could not start ansible-playbook (is it installed on this worker?): " + e.getMessage());
        } finally {
            deleteQuietly(privateDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind holds only what its 0700 mode protects
        }
    }

    // Lets commands and playbooks know which deploy they are part of.
    private Map<String, String> describeJob() {
        Map<String, String> env = new HashMap<>();
        env.put("DEPLOYSTER_JOB_ID", jobId);
        env.put("DEPLOYSTER_PROJECT", spec.project());
        if (spec.ref() != null) {
            env.put("DEPLOYSTER_REF", spec.ref());
        }
        if (spec.commit() != null) {
            env.put("DEPLOYSTER_COMMIT", spec.commit());
        }
        return env;
    }

    private synchronized Outcome stopped(int exit, int index) {
        return stopStatus == null ? null : new Outcome(stopStatus, exit, index, stopReason);
    }

    private int runProcess(List<String> argv, File dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessGroup group;
        synchronized (this) {
            if (stopStatus != null) {
                return -1;
            }
            group = ProcessGroup.start(argv, dir, env);
            current = group;
        }
        Process p = group.process();
        Thread out = pump(p.getInputStream(), LogEntry.STDOUT);
        Thread err = pump(p.getErrorStream(), LogEntry.STDERR);
        try {
            int exit = p.waitFor();
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
            if (out.isAlive() || err.isAlive()) {
                log.event("note", "message", "a background process of this command still holds its output open; "
                        + "later output of it is not captured (redirect a daemon's output, or run it under supervisor)");
            }
            return exit;
        } finally {
            synchronized (this) {
                current = null;
            }
        }
    }

    private Thread pump(InputStream in, String stream) {
        Thread t = new Thread(() -> {
            try (in) {
                lines.readLive(in, log.sink(stream));
            } catch (IOException | IllegalStateException e) {
                // the stream closes when the process ends; nothing left to read
            }
        }, "job-" + jobId + "-" + stream);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
