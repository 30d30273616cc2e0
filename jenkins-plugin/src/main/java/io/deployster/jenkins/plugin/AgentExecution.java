package io.deployster.jenkins.plugin;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import hudson.util.Secret;
import io.deployster.jenkins.ConsoleRenderer;
import io.deployster.jenkins.Termination;
import io.deployster.jenkins.agent.AgentCommand;
import io.deployster.jenkins.agent.AgentOutcome;
import io.deployster.jenkins.credentials.SecretCredentials;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.job.JobSpec;
import io.deployster.secret.CredentialMasks;
import io.deployster.secret.Masker;
import io.deployster.secret.MaskingOutputStream;
import io.deployster.secret.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Agent mode: ansible-playbook in this agent's workspace through the Jenkins launcher, with the SSH
 * key, the vault password and the secret extra vars written to a private temporary directory next to
 * the workspace that is always deleted, and the secret env in the process's environment; every
 * secret is masked in the console. Aborting the build kills the process. Like {@code sh} without durable-task, this
 * mode does not survive a controller restart (use mode 'queue' for that).
 */
final class AgentExecution extends SynchronousNonBlockingStepExecution<Object> {
    private static final long serialVersionUID = 1L;

    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "a synchronous step does not resume")
    private final transient DeployRequest request;

    AgentExecution(StepContext context, DeployRequest request) {
        super(context);
        this.request = request;
    }

    @Override
    protected Object run() throws Exception {
        StepContext context = getContext();
        TaskListener listener = context.get(TaskListener.class);
        FilePath workspace = context.get(FilePath.class);
        Launcher launcher = context.get(Launcher.class);
        if (workspace == null || launcher == null) {
            throw new AbortException(AgentCommand.NOT_IN_NODE);
        }
        Run<?, ?> run = context.get(Run.class);
        Secrets stepSecrets;
        try {
            stepSecrets = SecretCredentials.resolve(request, BuildCredentials.secretText(run, true));
        } catch (RuntimeException e) {
            throw new AbortException(Termination.fromException(e, "look up the secret credentials").message());
        }
        EnvVars buildEnv = context.get(EnvVars.class);
        JobSpec spec = request.spec();
        String node = buildEnv == null ? null : buildEnv.get("NODE_NAME");
        String where = AgentOutcome.where(node);

        FilePath tempRoot = WorkspaceList.tempDir(workspace);
        if (tempRoot == null) {
            throw new AbortException("deployster: no temporary directory next to workspace " + workspace.getRemote());
        }
        tempRoot.mkdirs();
        FilePath dir = tempRoot.createTempDir("deployster", null);
        List<String> secrets = new ArrayList<>();
        try {
            dir.chmod(0700);
            AgentCommand.Files files = credentialFiles(run, dir, secrets, stepSecrets);
            List<String> argv = AgentCommand.argv(spec, files);
            EnvVars env = buildEnv == null ? new EnvVars() : new EnvVars(buildEnv);
            env.putAll(AgentCommand.environment(spec, files, stepSecrets));
            Masker masker = CredentialMasks.of(secrets).and(stepSecrets.masker());

            PrintStream console = listener.getLogger();
            console.println(ConsoleRenderer.agentCommand(where, argv));
            long started = System.currentTimeMillis();
            int exit;
            try (MaskingOutputStream out = new MaskingOutputStream(console, masker)) {
                Proc proc = launcher.launch().cmds(AgentCommand.launchArgv(argv)).envs(env).pwd(workspace)
                        .stdout(out).quiet(true).start();
                Integer timeout = spec.timeoutSeconds();
                exit = timeout == null ? proc.join() : proc.joinWithTimeout(timeout, TimeUnit.SECONDS, listener);
            }
            Termination end = AgentOutcome.fromExit(exit, System.currentTimeMillis() - started, spec.timeoutSeconds(), node,
                    spec.project(), spec.playbook()).masked(masker);
            if (end.kind() != Termination.Kind.SUCCESS) {
                throw new AbortException(end.message());
            }
            return end.result();
        } finally {
            deleteQuietly(dir, listener);
        }
    }

    /** Writes the credential files; the values of the credentials go to {@code secrets} for masking. */
    private AgentCommand.Files credentialFiles(Run<?, ?> run, FilePath dir, List<String> secrets, Secrets stepSecrets)
            throws IOException, InterruptedException {
        String privateKey = null;
        String user = null;
        String askPass = null;
        String vault = null;
        if (request.sshCredentialsId() != null) {
            SSHUserPrivateKey key = CredentialsProvider.findCredentialById(request.sshCredentialsId(), SSHUserPrivateKey.class, run);
            if (key == null || key.getPrivateKeys().isEmpty()) {
                throw new AbortException(AgentCommand.missingCredential("sshCredentialsId", request.sshCredentialsId(),
                        "SSH Username with private key"));
            }
            CredentialsProvider.track(run, key);
            privateKey = writeSecret(dir.child(AgentCommand.PRIVATE_KEY_FILE), AgentCommand.privateKeyFile(key.getPrivateKeys().get(0)));
            user = key.getUsername();
            String passphrase = Secret.toString(key.getPassphrase());
            if (!passphrase.isEmpty()) {
                secrets.add(passphrase);
                String passphraseFile = writeSecret(dir.child(AgentCommand.PASSPHRASE_FILE), passphrase);
                FilePath script = dir.child(AgentCommand.ASKPASS_FILE);
                script.write(AgentCommand.askPassScript(passphraseFile), "UTF-8");
                script.chmod(0700);
                askPass = script.getRemote();
            }
        }
        if (request.vaultCredentialsId() != null) {
            StringCredentials password = CredentialsProvider.findCredentialById(request.vaultCredentialsId(), StringCredentials.class, run);
            if (password == null) {
                throw new AbortException(AgentCommand.missingCredential("vaultCredentialsId", request.vaultCredentialsId(), "Secret text"));
            }
            CredentialsProvider.track(run, password);
            String plain = password.getSecret().getPlainText();
            secrets.add(plain);
            vault = writeSecret(dir.child(AgentCommand.VAULT_PASSWORD_FILE), plain);
        }
        String secretVars = stepSecrets.extraVars().isEmpty() ? null
                : writeSecret(dir.child(AgentCommand.SECRET_VARS_FILE), AgentCommand.secretVarsJson(stepSecrets));
        return new AgentCommand.Files(privateKey, user, askPass, vault, secretVars);
    }

    /** Creates the file readable by its owner only, then writes the secret into it. */
    private static String writeSecret(FilePath file, String content) throws IOException, InterruptedException {
        file.write("", "UTF-8");
        file.chmod(0600);
        file.write(content, "UTF-8");
        return file.getRemote();
    }

    /** Deletes the credential files even when the build was interrupted. */
    private static void deleteQuietly(FilePath dir, TaskListener listener) {
        boolean interrupted = Thread.interrupted();
        try {
            dir.deleteRecursive();
        } catch (IOException | InterruptedException e) {
            listener.getLogger().println(ConsoleRenderer.PREFIX + "could not delete " + dir.getRemote() + ": " + e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
