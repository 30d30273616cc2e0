package io.deployster.jenkins.plan;

import java.util.List;
import java.util.Map;

/**
 * The {@code deployster} step's parameters as the Jenkinsfile (or the Snippet Generator) gave them:
 * the plugin's step implements this and {@link DeployPlanner} reads it directly, so a parameter exists
 * once, in the step. Null means "not given"; no getter checks anything (the planner does, reporting
 * every problem at once). Adding a parameter: a field with getter and setter in the step, a getter
 * here, its use in the planner, and its help text.
 */
public interface DeployParameters {
    /** 1–100 of {@code A-Z a-z 0-9 . _ -}; required. */
    String getProject();

    /** Queue whose workers run the deploy; null: the admin's default queue. */
    String getQueue();

    /** What is deployed (a tag, a branch); the commands see it as DEPLOYSTER_REF. */
    String getRef();

    /** The commit deployed; the commands see it as DEPLOYSTER_COMMIT. */
    String getCommit();

    /** Commands run in order with {@code /bin/sh -c} (queue mode). */
    List<String> getCommands();

    /** Absolute directory on the deploy host the commands run in. */
    String getCd();

    /** Variables for the commands, each {@code NAME=value}. */
    List<String> getEnv();

    String getPlaybook();

    String getInventory();

    String getLimit();

    /** Ansible tags, comma separated. */
    String getTags();

    /** Ansible extra vars, JSON types only (see {@link ParameterValues#extraVars}). */
    Map<String, Object> getExtraVars();

    boolean isCheck();

    boolean isDiff();

    /** 0–4 {@code -v} flags; null: none. */
    Integer getVerbosity();

    /** Absolute directory on the worker to run ansible-playbook in (queue mode). */
    String getCwd();

    /** Seconds; 0 for none; null: the admin's default. */
    Integer getTimeout();

    /** {@code queue} or {@code agent}; null or blank: queue. */
    String getMode();

    /** Another Redis URI, without credentials, for this deploy; null: the admin's. */
    String getRedis();

    /** Print the output and the result only, without the {@code [deployster]} notes. */
    boolean isQuiet();

    /** Agent mode: id of an SSH Username with private key credential. */
    String getSshCredentialsId();

    /** Agent mode: id of a Secret text credential with the Ansible Vault password. */
    String getVaultCredentialsId();

    /** Variable name → id of the Secret text credential holding its value. */
    Map<String, String> getSecretEnv();

    /** Extra variable name → id of the Secret text credential holding its value. */
    Map<String, String> getSecretExtraVars();

    /**
     * A workflow file's text (YAML or JSON, docs/workflows.md) to submit instead of a job; null: a job.
     * Excludes the job parameters ({@link WorkflowPlanner} says which others it takes).
     */
    String getWorkflow();
}
