package io.deployster.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.deployster.jenkins.ConsoleRenderer;
import io.deployster.jenkins.Termination;
import io.deployster.jenkins.credentials.SecretCredentials;
import io.deployster.jenkins.follow.ControllerRedis;
import io.deployster.jenkins.follow.DeploySession;
import io.deployster.jenkins.follow.QueueDeploy;
import io.deployster.jenkins.follow.QueueStep;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Queue mode, translated: the core's {@link QueueDeploy} does the work on the controller's shared
 * Redis clients and threads; this class gives it the console, the lockable resources, the shutdown
 * signal, and turns its {@link Termination} into onSuccess/onFailure. {@link #start()} only hands
 * work over (credential lookups included, since a credentials provider may do I/O) and returns, as
 * StepExecution.start() must not block. The {@link DeploySession} is saved with this execution once,
 * at submit; the shared log reader records the console position of every entry printed in Redis
 * (keyed by {@link #build()} and the job), so after a restart, clean or not, {@link #onResume()}
 * continues right after the last log entry printed without the program being saved again.
 */
final class QueueExecution extends StepExecution implements QueueDeploy.Host {
    private static final long serialVersionUID = 2L;
    private static final Logger LOGGER = Logger.getLogger(QueueExecution.class.getName());

    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only start() uses it, before any save")
    private final transient DeployRequest request;
    private volatile DeploySession session;
    private Throwable stopCause;
    private transient volatile QueueStep step;
    private transient volatile BooleanSupplier halted;
    private transient volatile PrintStream console;
    private transient volatile String build;

    QueueExecution(StepContext context, DeployRequest request) {
        super(context);
        this.request = request;
    }

    @Override
    public boolean start() throws Exception {
        console = getContext().get(TaskListener.class).getLogger();
        Run<?, ?> run = getContext().get(Run.class);
        build = run.getExternalizableId();
        halted = ShutdownWatch.haltedSinceNow();
        ControllerRedis clients = DeploysterGlobalConfiguration.get().clients();
        // the credential lookups run on the work threads too: a credentials provider may do I/O
        step(clients).start("submit", () -> {
            Secrets secrets = SecretCredentials.resolve(request, BuildCredentials.secretText(run, true));
            JobSigner signer = GlobalCredentials.signer(request.signingKeyCredentialsId());
            GlobalCredentials.RedisLogin connection = GlobalCredentials.redisLogin(request.redisUri());
            return QueueStep.Prepared.of(newDeploy(clients, connection, secrets.masker(), run), d -> d.submit(request, secrets, signer));
        });
        return false;
    }

    /**
     * After a restart: follow again from the last entry printed (resolving the credentials anew): the
     * later of the saved position and the one recorded in Redis, which a crash does not lose. Saved
     * before the job was recorded (Jenkins stopped while the submit was on its way): nothing to follow,
     * so the step fails saying so, instead of waiting forever.
     */
    @Override
    public void onResume() {
        DeploySession saved = session;
        if (saved == null) {
            getContext().onFailure(new AbortException(ConsoleRenderer.restartedWhileSubmitting()));
            return;
        }
        halted = ShutdownWatch.haltedSinceNow();
        ControllerRedis clients = DeploysterGlobalConfiguration.get().clients();
        step(clients).start("resume following job " + saved.jobId(), () -> {
            console = getContext().get(TaskListener.class).getLogger();
            Run<?, ?> run = getContext().get(Run.class);
            build = run.getExternalizableId();
            GlobalCredentials.RedisLogin connection = GlobalCredentials.redisLogin(saved.redisUri());
            Masker secrets = SecretCredentials.masker(saved.secretCredentialIds(), BuildCredentials.secretText(run, false));
            return QueueStep.Prepared.of(newDeploy(clients, connection, secrets, run), d -> d.resume(saved));
        });
    }

    private QueueStep step(ControllerRedis clients) {
        QueueStep s = new QueueStep(clients.work(), this::end);
        step = s;
        return s;
    }

    private QueueDeploy newDeploy(ControllerRedis clients, GlobalCredentials.RedisLogin connection, Masker secrets, Run<?, ?> run) {
        return new QueueDeploy(clients.of(connection.uri()), clients.work(), clients.locks(), connection.masker().and(secrets),
                new LockableResourcesMirror(run), this);
    }

    /** The build is aborted: the core cancels the job and ends the step when the job reports its end (or after a grace time). */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        synchronized (this) {
            stopCause = cause;
        }
        QueueStep s = step;
        if (s == null) {
            // neither started nor resumed in this Jenkins: nothing to cancel
            getContext().onFailure(cause);
            return;
        }
        Run<?, ?> run = getContext().get(Run.class);
        s.stop(run == null ? null : run.getFullDisplayName(), String.valueOf(cause.getMessage()));
    }

    @Override
    public String getStatus() {
        DeploySession current = session;
        return current == null ? "submitting" : current.status();
    }

    @Override
    public void println(String line) {
        PrintStream out = console;
        if (out != null) {
            out.println(line);
        }
    }

    @Override
    public void print(String text) {
        PrintStream out = console;
        if (out != null) {
            // a prompt or progress dots show in the build log before their line ends
            out.print(text);
            out.flush();
        }
    }

    /** Keys the console position recorded in Redis: the same build id before and after a restart. */
    @Override
    public String build() {
        return build;
    }

    @Override
    public boolean halted() {
        BooleanSupplier h = halted;
        return h != null && h.getAsBoolean();
    }

    /**
     * Saved once, when there is a job to come back to. Later positions reach the program only at a
     * clean shutdown; in between they are recorded in Redis (see {@link #build()}), so no frequent
     * saveState() rewrites the program on the CPS thread.
     */
    @Override
    public void submitted(DeploySession submitted) {
        session = submitted;
        getContext().saveState();
    }

    /** The core decided how the step ends (also when preparing failed, or a stop came first); this only translates. */
    @Override
    public void end(Termination end) {
        Throwable cause;
        synchronized (this) {
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
