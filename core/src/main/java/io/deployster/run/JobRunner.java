package io.deployster.run;

import io.deployster.job.JobSpec;
import io.deployster.job.JobStatus;
import io.deployster.job.Mode;
import io.deployster.log.LineReader;
import io.deployster.log.LogEntry;
import io.deployster.log.LogWriter;
import io.deployster.protocol.Event;
import io.deployster.protocol.LogField;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one job's processes on this host and streams their output into the job's log. One instance
 * per job; {@link #stop} may be called from any thread to end it early. {@link #run} returns only once
 * every process of the job is gone (see {@link JobProcesses}): what a command leaves running is stopped
 * at the end of the job, so the next job of the project never meets it.
 */
public final class JobRunner {
    /** How long output may still arrive after a command exited (from children it left behind). */
    private static final long DRAIN_MILLIS = 2000;

    private final String jobId;
    private final ExecutorService readers;
    private final JobSpec spec;
    private final Secrets secrets;
    private final Masker masker;
    private final LogWriter log;
    private final LineReader lines;
    private final long killGraceMillis;
    private final JobProcesses processes;
    private final long fencingToken;
    private final LeaseGuard lease;
    private final Path outputFile;
    private final List<Future<?>> pumps = new ArrayList<>();
    private JobStatus stopStatus;
    private String stopReason;

    /**
     * @param secrets the job's opened secrets: exported or passed privately, and masked in every line
     * @param workerSecrets the worker's own secrets (Redis password, signing keys), masked like the job's
     * @param processes where the job's processes are started, found and stopped
     * @param fencingToken the number of the lock grant the job runs under, exported as DEPLOYSTER_FENCING_TOKEN
     * @param lease asked before and after each process start, and gates the process itself: a worker
     *     that was stopped must not start a command of a job whose lease ran out meanwhile
     * @param outputFile exported as DEPLOYSTER_OUTPUT: where the job writes its {@code key=value} outputs (null: none)
     * @param readers reads output the job's thread does not: both streams of a process started through
     *     the JDK, and a stream a process's leftovers hold open after it exited
     */
    public JobRunner(String jobId, JobSpec spec, Secrets secrets, Masker workerSecrets, LogWriter log, LineReader lines, long killGraceMillis,
                     JobProcesses processes, long fencingToken, LeaseGuard lease, Path outputFile, ExecutorService readers) {
        this.readers = readers;
        this.outputFile = outputFile;
        this.jobId = jobId;
        this.spec = spec;
        this.secrets = secrets;
        this.masker = secrets.masker().and(workerSecrets);
        this.log = log;
        this.lines = lines.masking(masker);
        this.killGraceMillis = killGraceMillis;
        this.processes = processes;
        this.fencingToken = fencingToken;
        this.lease = lease;
    }

    /** {@code text} with the job's secret values masked, as its log shows them. */
    public String mask(String text) {
        return masker.mask(text);
    }

    /** Runs the job; returns once it ended and no process of it is left. */
    public Outcome run() throws InterruptedException {
        Outcome outcome = spec.mode() == Mode.ANSIBLE ? runAnsible() : runCommands();
        JobProcesses.Stopped left = processes.terminate(killGraceMillis);
        if (!left.found().isEmpty() && !stopping()) {
            String how = left.killed() == 0 ? "TERM" : "TERM; " + left.killed() + " of them ignored it and got KILL after " + killGraceMillis + " ms";
            log.event(Event.NOTE, LogField.MESSAGE, left.found().size() + " process(es) the job left running were stopped at its end (" + how
                    + "): " + masker.mask(left.describe()) + ". To keep a daemon running after a deploy, start it under a process supervisor "
                    + "(e.g. supervisorctl start), not from the job");
        }
        for (Future<?> pump : pumps) {
            await(pump);
        }
        return outcome.masked(masker);
    }

    /**
     * Ends the run: TERM to every process of the job, KILL to what is left after the kill grace; returns
     * once none is left. The first stop's status and reason are recorded.
     *
     * @param status CANCELLED or TIMED_OUT
     */
    public void stop(JobStatus status, String reason) throws InterruptedException {
        synchronized (this) {
            if (stopStatus != null) {
                return;
            }
            stopStatus = status;
            stopReason = reason;
        }
        // a cancel's reason is whatever its sender typed, which may quote a secret of the job
        log.event(Event.STOPPING, LogField.MESSAGE, masker.mask(reason));
        processes.terminate(killGraceMillis);
    }

    /**
     * Fences the job: KILL to every process at once, without grace, because its lease is lost and
     * another deploy of the project may start. Overrides an earlier stop's status and reason.
     */
    public void fence(String reason) throws InterruptedException {
        boolean first;
        synchronized (this) {
            first = stopStatus != JobStatus.LOST;
            stopStatus = JobStatus.LOST;
            stopReason = first ? reason : stopReason;
        }
        if (first) {
            log.event(Event.FENCED, LogField.MESSAGE, reason);
        }
        processes.kill();
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
            log.event(Event.COMMAND, LogField.INDEX, Integer.toString(i), LogField.COMMAND, masker.mask(label(commands.get(i))));
            int exit;
            try {
                exit = runProcess(List.of("/bin/sh", "-c", commands.get(i)), dir, env);
            } catch (IOException e) {
                return new Outcome(JobStatus.FAILED, null, i, "could not start command " + (i + 1) + ": " + e.getMessage());
            }
            log.event(Event.COMMAND_ENDED, LogField.INDEX, Integer.toString(i), LogField.EXIT, Integer.toString(exit));
            Outcome stopped = stopped(exit, i);
            if (stopped != null) {
                return stopped;
            }
            if (exit != 0) {
                return new Outcome(JobStatus.FAILED, exit, i,
                        "command " + (i + 1) + " of " + commands.size() + " exited with " + exit + ": " + masker.mask(label(commands.get(i))));
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
                Files.writeString(secretVars, AnsibleCommand.varsJson(secrets.extraVars()), StandardCharsets.UTF_8);
            }
            List<String> argv = AnsibleCommand.argv(spec, secretVars);
            log.event(Event.COMMAND, LogField.INDEX, "0", LogField.COMMAND, masker.mask(String.join(" ", argv)));
            Map<String, String> env = new HashMap<>(describeJob());
            env.put("PYTHONUNBUFFERED", "1");
            int exit = runProcess(argv, dir, env);
            log.event(Event.COMMAND_ENDED, LogField.INDEX, "0", LogField.EXIT, Integer.toString(exit));
            Outcome stopped = stopped(exit, 0);
            if (stopped != null) {
                return stopped;
            }
            return exit == 0 ? new Outcome(JobStatus.SUCCEEDED, 0, null, null)
                    : new Outcome(JobStatus.FAILED, exit, 0, ansibleFailure(exit));
        } catch (IOException e) {
            return new Outcome(JobStatus.FAILED, null, 0, "could not start ansible-playbook (is it installed on this worker?): " + e.getMessage());
        } finally {
            deleteQuietly(privateDir);
        }
    }

    // 126 and 127 are the shell's "found but cannot be executed" and "not found" (the lease gate execs
    // the program from a shell): an install that is broken (e.g. a virtualenv whose Python is gone), not
    // a playbook that failed; ansible-playbook's own codes stay below them.
    private String ansibleFailure(int exit) {
        if (exit == 126 || exit == 127) {
            return "could not start ansible-playbook (is it installed on this worker, with its interpreter?): the shell that "
                    + "starts it exited with " + exit + "; the job's log says why";
        }
        return "ansible-playbook exited with " + exit + " (" + spec.playbook() + ")";
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
        env.put(JobProcesses.MARKER, jobId);
        env.put("DEPLOYSTER_PROJECT", spec.project());
        env.put("DEPLOYSTER_FENCING_TOKEN", Long.toString(fencingToken));
        if (outputFile != null) {
            env.put("DEPLOYSTER_OUTPUT", outputFile.toString());
        }
        if (spec.ref() != null) {
            env.put("DEPLOYSTER_REF", spec.ref());
        }
        if (spec.commit() != null) {
            env.put("DEPLOYSTER_COMMIT", spec.commit());
        }
        return env;
    }

    private synchronized boolean stopping() {
        return stopStatus != null;
    }

    private synchronized Outcome stopped(int exit, int index) {
        return stopStatus == null ? null : new Outcome(stopStatus, exit, index, stopReason);
    }

    private int runProcess(List<String> argv, File dir, Map<String, String> env) throws IOException, InterruptedException {
        Process p;
        synchronized (this) {
            if (stopStatus != null) {
                return -1;
            }
            String lapsed = lease.lapsed();
            if (lapsed != null) {
                stopStatus = JobStatus.LOST;
                stopReason = lapsed;
                log.event(Event.FENCED, LogField.MESSAGE, lapsed);
                return -1;
            }
            p = processes.start(lease.gate(argv), dir, env);
        }
        // a stall between the check above and the start: the process must not go on under a lost lease
        String lapsed = lease.lapsed();
        if (lapsed != null) {
            fence(lapsed);
        }
        LineReader.Splitter out = lines.split(log.sink(LogEntry.STDOUT));
        LineReader.Splitter err = lines.split(log.sink(LogEntry.STDERR));
        if (p instanceof SpawnedProcess spawned) {
            // both pipes read on this thread: no reader threads to wake and wait for at every command
            for (SpawnedProcess.Unread rest : spawned.readOutput(out, err, DRAIN_MILLIS)) {
                pump(rest.in(), rest.lines(), rest.lines() == out ? LogEntry.STDOUT : LogEntry.STDERR);
            }
            return p.waitFor();
        }
        Future<?> outPump = pump(p.getInputStream(), out, LogEntry.STDOUT);
        Future<?> errPump = pump(p.getErrorStream(), err, LogEntry.STDERR);
        int exit = p.waitFor();
        await(outPump);
        await(errPump);
        return exit;
    }

    // Waits up to DRAIN_MILLIS for a pump, as Thread.join(millis) did: a pipe held open by a child left
    // behind must not hold the job.
    private static void await(Future<?> pump) throws InterruptedException {
        try {
            pump.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the pump's own errors are swallowed inside it; a slow one goes on reading into the log
        }
    }

    // Reads a stream to its end on a pool thread: the JDK's pipes, or one a process left open.
    private Future<?> pump(InputStream in, LineReader.Splitter splitter, String stream) {
        Future<?> f = readers.submit(() -> {
            Thread self = Thread.currentThread();
            String name = self.getName();
            // named for the job while it reads, as thread dumps showed it when each pump had its own thread
            self.setName("job-" + jobId + "-" + stream);
            try (in) {
                splitter.readRest(in);
            } catch (IOException | IllegalStateException e) {
                // the stream closes when the process ends; nothing left to read
            } finally {
                self.setName(name);
            }
        });
        pumps.add(f);
        return f;
    }

    /**
     * How a command is shown in the log and in a failure's reason: a multi-line command whose first line
     * is a comment {@code # TEXT} (a container task's wrapper, ContainerCommand) shows as TEXT; any
     * other command as written.
     */
    static String label(String command) {
        int nl = command.indexOf('\n');
        return nl > 2 && command.startsWith("# ") ? command.substring(2, nl) : command;
    }
}
