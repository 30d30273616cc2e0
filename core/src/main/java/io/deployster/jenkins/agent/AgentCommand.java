package io.deployster.jenkins.agent;

import io.deployster.job.JobSpec;
import io.deployster.run.AnsibleCommand;
import io.deployster.secret.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agent mode: the ansible-playbook command the step runs in the workspace of a Jenkins agent, the
 * same one a worker would run, plus the credential files the step materialises next to the
 * workspace. Credentials and secret extra vars go into files, never onto the command line; the
 * step's {@code secretEnv} goes into the process's environment, as the worker passes it to commands.
 */
public final class AgentCommand {
    /** File names inside the step's temporary directory. */
    public static final String PRIVATE_KEY_FILE = "ssh-key";
    public static final String PASSPHRASE_FILE = "ssh-passphrase";
    public static final String ASKPASS_FILE = "ssh-askpass.sh";
    public static final String VAULT_PASSWORD_FILE = "vault-password";
    /** The step's secret extra vars, as one JSON object, passed as {@code --extra-vars=@file}. */
    public static final String SECRET_VARS_FILE = "secret-vars.json";

    public static final String NOT_IN_NODE = "deployster mode 'agent' runs ansible-playbook in a workspace: "
            + "call it inside node { ... } (or a stage with an agent), or use mode 'queue' to let a worker deploy";

    private AgentCommand() {
    }

    /**
     * Paths (on the agent) of the credential files, each null when not used.
     *
     * @param sshUser the SSH user of the key credential, or null to keep the inventory's
     * @param secretVars the file of secret extra vars ({@link #secretVarsJson})
     */
    public record Files(String privateKey, String sshUser, String askPass, String vaultPassword, String secretVars) {
        public static final Files NONE = new Files(null, null, null, null, null);

        public Files(String privateKey, String sshUser, String askPass, String vaultPassword) {
            this(privateKey, sshUser, askPass, vaultPassword, null);
        }
    }

    /** The argv: the worker's ansible-playbook command with the credential options before the playbook. */
    public static List<String> argv(JobSpec spec, Files files) {
        List<String> base = AnsibleCommand.argv(spec);
        int end = base.lastIndexOf("--");
        List<String> argv = new ArrayList<>(base.subList(0, end < 0 ? base.size() : end));
        if (files.privateKey() != null) {
            argv.add("--private-key=" + files.privateKey());
        }
        if (files.sshUser() != null && !files.sshUser().isBlank()) {
            argv.add("--user=" + files.sshUser());
        }
        if (files.vaultPassword() != null) {
            argv.add("--vault-password-file=" + files.vaultPassword());
        }
        if (files.secretVars() != null) {
            // after the plain extra vars, so a secret wins as it does on a worker
            argv.add("--extra-vars=@" + files.secretVars());
        }
        if (end >= 0) {
            argv.addAll(base.subList(end, base.size()));
        }
        return argv;
    }

    /**
     * The argv to hand to the launcher: {@code argv} run through {@code /bin/sh} so that
     * ansible-playbook is looked up on the PATH the build gives the process (withEnv, tool installers,
     * the agent's environment), not on the PATH of the agent's Java process.
     */
    public static List<String> launchArgv(List<String> argv) {
        List<String> launch = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$0\" \"$@\""));
        launch.addAll(argv);
        return launch;
    }

    /** Variables added to the build's environment for the process. */
    public static Map<String, String> environment(JobSpec spec, Files files) {
        return environment(spec, files, Secrets.none());
    }

    /**
     * Variables added to the build's environment for the process: the step's secret env (so that a
     * playbook can {@code lookup('env', NAME)} them), then the deploy's own variables, which win.
     */
    public static Map<String, String> environment(JobSpec spec, Files files, Secrets secrets) {
        Map<String, String> env = new LinkedHashMap<>(secrets.env());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("DEPLOYSTER_PROJECT", spec.project());
        if (spec.ref() != null) {
            env.put("DEPLOYSTER_REF", spec.ref());
        }
        if (spec.commit() != null) {
            env.put("DEPLOYSTER_COMMIT", spec.commit());
        }
        if (files.askPass() != null) {
            // ssh asks this program for the key's passphrase instead of a terminal
            env.put("SSH_ASKPASS", files.askPass());
            env.put("SSH_ASKPASS_REQUIRE", "force");
            env.put("DISPLAY", ":0");
        }
        return env;
    }

    /** The content of {@link #SECRET_VARS_FILE}: the secret extra vars as one JSON object, marked unsafe as the plain ones. */
    public static String secretVarsJson(Secrets secrets) {
        return AnsibleCommand.varsJson(secrets.extraVars());
    }

    /** The askpass helper: prints the passphrase file, whatever characters the passphrase has. */
    public static String askPassScript(String passphraseFile) {
        return "#!/bin/sh\nexec cat " + shellQuote(passphraseFile) + "\n";
    }

    /** A private key as ssh wants it in a file: ending with a line end. */
    public static String privateKeyFile(String key) {
        return key.endsWith("\n") ? key : key + "\n";
    }

    /** The message for a credential id that finds nothing usable. */
    public static String missingCredential(String parameter, String id, String kind) {
        return "deployster: " + parameter + " '" + id + "' names no " + kind + " credential this build may use; "
                + "check the id in Manage Jenkins → Credentials (or the folder's credentials)";
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
