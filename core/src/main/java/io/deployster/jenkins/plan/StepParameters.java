package io.deployster.jenkins.plan;

import java.util.List;
import java.util.Map;

/**
 * The {@code deployster} step's parameters exactly as the Jenkinsfile gave them (null: not given).
 * {@link DeployPlanner} checks them and merges them with the {@link GlobalSettings}.
 */
public final class StepParameters {
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

    public StepParameters project(String v) { project = v; return this; }
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

    public String project() { return project; }
    public String queue() { return queue; }
    public String ref() { return ref; }
    public String commit() { return commit; }
    public List<String> commands() { return commands; }
    public String cd() { return cd; }
    public List<String> env() { return env; }
    public String playbook() { return playbook; }
    public String inventory() { return inventory; }
    public String limit() { return limit; }
    public String tags() { return tags; }
    public Map<String, ?> extraVars() { return extraVars; }
    public boolean check() { return check; }
    public boolean diff() { return diff; }
    public Integer verbosity() { return verbosity; }
    public String cwd() { return cwd; }
    public Integer timeoutSeconds() { return timeoutSeconds; }
    public String mode() { return mode; }
    public String redis() { return redis; }
    public boolean quiet() { return quiet; }
    public String sshCredentialsId() { return sshCredentialsId; }
    public String vaultCredentialsId() { return vaultCredentialsId; }
    public Map<String, ?> secretEnv() { return secretEnv; }
    public Map<String, ?> secretExtraVars() { return secretExtraVars; }
}
