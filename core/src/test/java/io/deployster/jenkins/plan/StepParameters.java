package io.deployster.jenkins.plan;

import java.util.List;
import java.util.Map;

/**
 * The step's parameters for core tests, raw as a Jenkinsfile may give them (GStrings, untyped maps):
 * the plugin's DeploysterStep is the production {@link DeployParameters}. Setters chain.
 */
public final class StepParameters implements DeployParameters {
    private String project;
    private String queue;
    private String ref;
    private String commit;
    private List<String> commands;
    private String cd;
    private List<String> env;
    private String playbook;
    private String inventory;
    private String limit;
    private String tags;
    private Map<String, ?> extraVars;
    private boolean check;
    private boolean diff;
    private Integer verbosity;
    private String cwd;
    private Integer timeoutSeconds;
    private String mode;
    private String redis;
    private boolean quiet;
    private String sshCredentialsId;
    private String vaultCredentialsId;
    private Map<String, ?> secretEnv;
    private Map<String, ?> secretExtraVars;
    private String workflow;

    public StepParameters project(String v) { project = v; return this; }
    public StepParameters workflow(String v) { workflow = v; return this; }
    public StepParameters queue(String v) { queue = v; return this; }
    public StepParameters ref(String v) { ref = v; return this; }
    public StepParameters commit(String v) { commit = v; return this; }
    public StepParameters commands(List<String> v) { commands = v; return this; }
    public StepParameters cd(String v) { cd = v; return this; }
    public StepParameters env(List<String> v) { env = v; return this; }
    public StepParameters playbook(String v) { playbook = v; return this; }
    public StepParameters inventory(String v) { inventory = v; return this; }
    public StepParameters limit(String v) { limit = v; return this; }
    public StepParameters tags(String v) { tags = v; return this; }
    public StepParameters extraVars(Map<String, ?> v) { extraVars = v; return this; }
    public StepParameters check(boolean v) { check = v; return this; }
    public StepParameters diff(boolean v) { diff = v; return this; }
    public StepParameters verbosity(Integer v) { verbosity = v; return this; }
    public StepParameters cwd(String v) { cwd = v; return this; }
    public StepParameters timeoutSeconds(Integer v) { timeoutSeconds = v; return this; }
    public StepParameters mode(String v) { mode = v; return this; }
    public StepParameters redis(String v) { redis = v; return this; }
    public StepParameters quiet(boolean v) { quiet = v; return this; }
    public StepParameters sshCredentialsId(String v) { sshCredentialsId = v; return this; }
    public StepParameters vaultCredentialsId(String v) { vaultCredentialsId = v; return this; }
    /** Variable name → id of the Secret text credential holding its value. */
    public StepParameters secretEnv(Map<String, ?> v) { secretEnv = v; return this; }
    /** Extra variable name → id of the Secret text credential holding its value. */
    public StepParameters secretExtraVars(Map<String, ?> v) { secretExtraVars = v; return this; }

    @Override public String getProject() { return project; }
    @Override public String getQueue() { return queue; }
    @Override public String getRef() { return ref; }
    @Override public String getCommit() { return commit; }
    @Override public List<String> getCommands() { return commands; }
    @Override public String getCd() { return cd; }
    @Override public List<String> getEnv() { return env; }
    @Override public String getPlaybook() { return playbook; }
    @Override public String getInventory() { return inventory; }
    @Override public String getLimit() { return limit; }
    @Override public String getTags() { return tags; }
    @SuppressWarnings("unchecked")
    @Override public Map<String, Object> getExtraVars() { return (Map<String, Object>) extraVars; }
    @Override public boolean isCheck() { return check; }
    @Override public boolean isDiff() { return diff; }
    @Override public Integer getVerbosity() { return verbosity; }
    @Override public String getCwd() { return cwd; }
    @Override public Integer getTimeout() { return timeoutSeconds; }
    @Override public String getMode() { return mode; }
    @Override public String getRedis() { return redis; }
    @Override public boolean isQuiet() { return quiet; }
    @Override public String getSshCredentialsId() { return sshCredentialsId; }
    @Override public String getVaultCredentialsId() { return vaultCredentialsId; }
    @SuppressWarnings("unchecked")
    @Override public Map<String, String> getSecretEnv() { return (Map<String, String>) secretEnv; }
    @SuppressWarnings("unchecked")
    @Override public Map<String, String> getSecretExtraVars() { return (Map<String, String>) secretExtraVars; }
    @Override public String getWorkflow() { return workflow; }
}
