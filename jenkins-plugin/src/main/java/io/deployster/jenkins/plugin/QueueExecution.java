package io.deployster.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.deployster.client.DeploysterClient;
import io.deployster.jenkins.Cancellation;
import io.deployster.jenkins.ConsoleRenderer;
import io.deployster.jenkins.DeployRequest;
import io.deployster.jenkins.DeploySession;
import io.deployster.jenkins.InvalidStepException;
import io.deployster.jenkins.SecretCredentials;
import io.deployster.jenkins.SessionFollower;
import io.deployster.jenkins.Termination;
import io.deployster.job.InvalidJobException;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Queue mode: submits the job in {@link #start()} (signed with the global signing key when one is
 * configured, its secrets sealed), then follows it on a thread of its own (no executor is held, so the
 * step may run outside {@code node}). The {@link DeploySession} is saved with this execution, so after
 * a Jenkins restart {@link #onResume()} continues right after the last log entry printed. Secret
 * values are never saved: after a restart their credentials are looked up again to mask the console.
 */
final class QueueExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(QueueExecution.class.getName());
    /** Time for a cancelled job to report its end before the step gives up waiting. */
    static final long STOP_GRACE_SECONDS = 30;
    /** At most this long between saves of the session while output arrives. */
    static final long SAVE_EVERY_MILLIS = 2000;

    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only start() uses it, before any save")
    private final transient DeployRequest request;
    private volatile DeploySession session;
    private Throwable stopCause;
    private boolean completed;
    private transient volatile Thread follower;

    QueueExecution(StepContext context, DeployRequest request) {
        super(context);
        this.request = request;
    }

    /** Resolves the secrets and the signing key, submits (one quick Redis call), prints the job id, saves the session, follows. */
    @Override
    public boolean start() throws Exception {
        PrintStream console = getContext().get(TaskListener.class).getLogger();
        Run<?, ?> run = getContext().get(Run.class);
        Secrets secrets;
        try {
            secrets = SecretCredentials.resolve(request, BuildCredentials.secretText(run, true));
        } catch (InvalidStepException e) {
            throw new AbortException(e.getMessage());
        }
        JobSigner signer = RedisConnections.signer(request.signingKeyCredentialsId());
        RedisConnections.Connection connection = RedisConnections.connect(request.redisUri());
        Masker masker = connection.masker().and(secrets.masker());
        DeploysterClient client = DeploysterClient.connect(connection.uri(), request.queueSettings(), signer);
        String jobId;
        try {
            jobId = client.submit(request.spec(), secrets);
        } catch (InvalidJobException e) {
            client.close();
            throw new AbortException("deployster: " + masker.mask(e.getMessage()));
        } catch (IllegalArgumentException e) {
            // secrets the queue refuses to seal; the planner and SecretCredentials normally catch these first
            client.close();
            throw new AbortException("deployster: " + masker.mask(e.getMessage()) + "; the job was not submitted");
        } catch (RuntimeException e) {
            client.close();
            throw new AbortException(ConsoleRenderer.redisUnreachable(request.redisUri(), masker.mask(String.valueOf(e.getMessage())))
                    .replace("; retrying", "; the job was not submitted"));
        }
        session = DeploySession.of(jobId, request);
        console.println(ConsoleRenderer.submitted(jobId, request.spec(), request.redisUri()));
        getContext().saveState();
        follow(client, masker);
        return false;
    }

    /** After a restart: follow again from the last entry printed (resolving the credential anew). */
    @Override
    public void onResume() {
        DeploySession current = session;
        if (current == null || isCompleted()) {
            return;
        }
        Timer.get().submit(() -> {
            try {
                getContext().get(TaskListener.class).getLogger()
                        .println(ConsoleRenderer.resumed(current.jobId(), current.lastEntryId()));
                RedisConnections.Connection connection = RedisConnections.connect(current.redisUri());
                Run<?, ?> run = getContext().get(Run.class);
                Masker masker = connection.masker().and(
                        SecretCredentials.masker(current.secretCredentialIds(), BuildCredentials.secretText(run, false)));
                follow(DeploysterClient.connect(connection.uri(), current.queueSettings()), masker);
            } catch (Exception e) {
                complete(Termination.failure("deployster: could not resume following job " + current.jobId() + ": " + e.getMessage()));
            }
        });
    }

    /** The build is aborted: cancel the remote job and let the follower report how it ended. */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        DeploySession current;
        synchronized (this) {
            if (completed) {
                return;
            }
            stopCause = cause;
            current = session;
        }
        if (current == null) {
            complete(Termination.aborted(String.valueOf(cause.getMessage())));
            return;
        }
        current.requestStop();
        Timer.get().submit(() -> cancel(current));
        Timer.get().schedule(() -> {
            if (!isCompleted()) {
                Thread running = follower;
                if (running != null) {
                    running.interrupt();
                }
                complete(Termination.aborted("deployster job " + current.jobId() + " did not report its end within "
                        + STOP_GRACE_SECONDS + " s of the cancel"));
            }
        }, STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public String getStatus() {
        DeploySession current = session;
        return current == null ? "submitting" : current.status();
    }

    private void cancel(DeploySession current) {
        try {
            PrintStream console = getContext().get(TaskListener.class).getLogger();
            Run<?, ?> run = getContext().get(Run.class);
            RedisConnections.Connection connection = RedisConnections.connect(current.redisUri());
            try (DeploysterClient client = DeploysterClient.connect(connection.uri(), current.queueSettings())) {
                List<String> lines = Cancellation.request(client, current,
                        Cancellation.reason(run == null ? null : run.getFullDisplayName()));
                synchronized (current) {
                    lines.forEach(console::println);
                }
            }
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "could not cancel deployster job " + current.jobId(), e);
        }
    }

    private void follow(DeploysterClient client, Masker masker) {
        DeploySession current = session;
        BooleanSupplier halted = ShutdownWatch.haltedSinceNow();
        Thread thread = new Thread(() -> {
            Termination end;
            try (client) {
                TaskListener listener = getContext().get(TaskListener.class);
                PrintStream console = listener.getLogger();
                Run<?, ?> run = getContext().get(Run.class);
                SessionFollower sessionFollower = new SessionFollower(current, client, new SessionFollower.Console() {
                            @Override
                            public void println(String line) {
                                console.println(line);
                            }

                            @Override
                            public void print(String text) {
                                // a prompt or progress dots show in the build log before their line ends
                                console.print(text);
                                console.flush();
                            }
                        },
                        new LockableResourcesMirror(run), () -> getContext().saveState(), masker,
                        halted, SAVE_EVERY_MILLIS);
                end = sessionFollower.run();
            } catch (InterruptedException e) {
                end = halted.getAsBoolean() ? Termination.halted()
                        : Termination.aborted("stopped following deployster job " + current.jobId());
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "following deployster job " + current.jobId() + " failed", e);
                end = halted.getAsBoolean() ? Termination.halted()
                        : Termination.failure("deployster: following job " + current.jobId() + " failed: " + e);
            }
            if (end.kind() != Termination.Kind.HALTED) {
                complete(end);
            }
        }, "deployster job " + current.jobId());
        thread.setDaemon(true);
        follower = thread;
        thread.start();
    }

    private synchronized boolean isCompleted() {
        return completed;
    }

    /** Ends the step once, however many ways (follower, stop fallback) try to. */
    private void complete(Termination end) {
        Throwable cause;
        synchronized (this) {
            if (completed) {
                return;
            }
            completed = true;
            cause = stopCause;
        }
        switch (end.kind()) {
            case SUCCESS -> getContext().onSuccess(end.result());
            case ABORTED -> getContext().onFailure(cause != null ? cause : new AbortException(end.message()));
            case FAILURE -> getContext().onFailure(new AbortException(end.message()));
            case HALTED -> LOGGER.fine("deployster step halted; it resumes after the restart");
        }
    }
}
