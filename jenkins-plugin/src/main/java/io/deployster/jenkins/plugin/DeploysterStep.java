package io.deployster.jenkins.plugin;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.deployster.jenkins.form.StepForm;
import io.deployster.jenkins.plan.Checks;
import io.deployster.jenkins.plan.DeployParameters;
import io.deployster.jenkins.plan.DeployPlanner;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.jenkins.plan.ParameterValues;
import io.deployster.jenkins.plan.StepMode;
import io.deployster.jenkins.plan.SubmittedBy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code deployster project: '…', …}: deploys through the queue (a worker runs it and streams the
 * output back) or, with {@code mode: 'agent'}, runs ansible-playbook in this agent's workspace; with
 * {@code workflow: '…'}, submits a workflow of tasks and follows its combined log.
 * It is the core's {@link DeployParameters}: the planner reads the parameters straight from here, and
 * the setters store what the core's {@link ParameterValues} makes of a value. Parameters in, lines out.
 */
public class DeploysterStep extends Step implements DeployParameters {
    private final String project;
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
    private Map<String, Object> extraVars;
    private boolean check;
    private boolean diff;
    private Integer verbosity;
    private String cwd;
    private Integer timeout;
    private String mode;
    private String redis;
    private boolean quiet;
    private String sshCredentialsId;
    private String vaultCredentialsId;
    private Map<String, String> secretEnv;
    private Map<String, String> secretExtraVars;
    private String workflow;

    @DataBoundConstructor
    public DeploysterStep(String project) {
        this.project = ParameterValues.text(project);
    }

    @Override
    public String getProject() {
        return project;
    }

    @Override
    public String getQueue() {
        return queue;
    }

    @DataBoundSetter
    public void setQueue(String queue) {
        this.queue = ParameterValues.text(queue);
    }

    @Override
    public String getRef() {
        return ref;
    }

    @DataBoundSetter
    public void setRef(String ref) {
        this.ref = ParameterValues.text(ref);
    }

    @Override
    public String getCommit() {
        return commit;
    }

    @DataBoundSetter
    public void setCommit(String commit) {
        this.commit = ParameterValues.text(commit);
    }

    @Override
    public List<String> getCommands() {
        return commands == null ? null : Collections.unmodifiableList(commands);
    }

    @DataBoundSetter
    public void setCommands(List<String> commands) {
        this.commands = ParameterValues.list(commands);
    }

    @Override
    public String getCd() {
        return cd;
    }

    @DataBoundSetter
    public void setCd(String cd) {
        this.cd = ParameterValues.text(cd);
    }

    /** Variables for the commands, each {@code NAME=value} (like withEnv). */
    @Override
    public List<String> getEnv() {
        return env == null ? null : Collections.unmodifiableList(env);
    }

    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = ParameterValues.list(env);
    }

    @Override
    public String getPlaybook() {
        return playbook;
    }

    @DataBoundSetter
    public void setPlaybook(String playbook) {
        this.playbook = ParameterValues.text(playbook);
    }

    @Override
    public String getInventory() {
        return inventory;
    }

    @DataBoundSetter
    public void setInventory(String inventory) {
        this.inventory = ParameterValues.text(inventory);
    }

    @Override
    public String getLimit() {
        return limit;
    }

    @DataBoundSetter
    public void setLimit(String limit) {
        this.limit = ParameterValues.text(limit);
    }

    @Override
    public String getTags() {
        return tags;
    }

    @DataBoundSetter
    public void setTags(String tags) {
        this.tags = ParameterValues.text(tags);
    }

    @Override
    public Map<String, Object> getExtraVars() {
        return extraVars == null ? null : Collections.unmodifiableMap(extraVars);
    }

    /**
     * Declared {@code Object}, not {@code Map}: structs' {@code ParameterType.of} cannot describe a Map
     * (the step reference showed an error), while an {@code Object} parameter is listed as "not
     * enumerable" and a Jenkinsfile's map reaches this setter as it is.
     *
     * @param extraVars a map ({@code [replicas: 2, hosts: ['a', 'b']]}), or its text: a JSON object or name=value lines
     * @throws IllegalArgumentException for anything else, naming the parameter
     */
    @DataBoundSetter
    public void setExtraVars(Object extraVars) {
        this.extraVars = ParameterValues.extraVars(extraVars);
    }

    @Override
    public boolean isCheck() {
        return check;
    }

    @DataBoundSetter
    public void setCheck(boolean check) {
        this.check = check;
    }

    @Override
    public boolean isDiff() {
        return diff;
    }

    @DataBoundSetter
    public void setDiff(boolean diff) {
        this.diff = diff;
    }

    @Override
    public Integer getVerbosity() {
        return verbosity;
    }

    @DataBoundSetter
    public void setVerbosity(Integer verbosity) {
        this.verbosity = ParameterValues.zeroToNull(verbosity);
    }

    @Override
    public String getCwd() {
        return cwd;
    }

    @DataBoundSetter
    public void setCwd(String cwd) {
        this.cwd = ParameterValues.text(cwd);
    }

    /** Seconds; 0 for none; not given: the global default. */
    @Override
    public Integer getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(Integer timeout) {
        this.timeout = timeout;
    }

    /** 'queue' (the default) or 'agent'. */
    @Override
    public String getMode() {
        return mode == null ? StepMode.QUEUE.wireName() : mode;
    }

    @DataBoundSetter
    public void setMode(String mode) {
        this.mode = ParameterValues.mode(mode);
    }

    /** Another Redis than the global one (no credentials in it), for this deploy only. */
    @Override
    public String getRedis() {
        return redis;
    }

    @DataBoundSetter
    public void setRedis(String redis) {
        this.redis = ParameterValues.text(redis);
    }

    @Override
    public boolean isQuiet() {
        return quiet;
    }

    @DataBoundSetter
    public void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public String getSshCredentialsId() {
        return sshCredentialsId;
    }

    @DataBoundSetter
    public void setSshCredentialsId(String sshCredentialsId) {
        this.sshCredentialsId = ParameterValues.text(sshCredentialsId);
    }

    @Override
    public String getVaultCredentialsId() {
        return vaultCredentialsId;
    }

    @DataBoundSetter
    public void setVaultCredentialsId(String vaultCredentialsId) {
        this.vaultCredentialsId = ParameterValues.text(vaultCredentialsId);
    }

    /** Secret variables: name → id of the Secret text credential holding the value. */
    @Override
    public Map<String, String> getSecretEnv() {
        return secretEnv == null ? null : Collections.unmodifiableMap(secretEnv);
    }

    /** {@code Object} for structs, as {@link #setExtraVars}: a map {@code [NAME: 'credentialsId']}, or NAME=credentialsId lines. */
    @DataBoundSetter
    public void setSecretEnv(Object secretEnv) {
        this.secretEnv = ParameterValues.secretRefs("secretEnv", secretEnv);
    }

    /** Secret Ansible extra variables: name → id of the Secret text credential holding the value. */
    @Override
    public Map<String, String> getSecretExtraVars() {
        return secretExtraVars == null ? null : Collections.unmodifiableMap(secretExtraVars);
    }

    @DataBoundSetter
    public void setSecretExtraVars(Object secretExtraVars) {
        this.secretExtraVars = ParameterValues.secretRefs("secretExtraVars", secretExtraVars);
    }

    /** A workflow file's text (YAML or JSON) to submit instead of a job, e.g. {@code readFile('deploy/workflow.yml')}. */
    @Override
    public String getWorkflow() {
        return workflow;
    }

    /** Kept as given (not stripped, unlike the other texts): a YAML document's indentation is its structure. */
    @DataBoundSetter
    public void setWorkflow(String workflow) {
        this.workflow = workflow == null || workflow.isBlank() ? null : workflow;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        String submittedBy = SubmittedBy.describe(run.getFullDisplayName(),
                SubmittedBy.absoluteUrl(Jenkins.get().getRootUrl(), run.getUrl()));
        DeployRequest request;
        try {
            request = DeployPlanner.plan(this, DeploysterGlobalConfiguration.get().settings(), submittedBy);
        } catch (InvalidStepException e) {
            throw new AbortException(e.getMessage());
        }
        return request.mode() == StepMode.AGENT ? new AgentExecution(context, request) : new QueueExecution(context, request);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "deployster";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Deploy with Deployster";
        }

        /** Agent mode takes FilePath, Launcher and EnvVars when present, and says so when they are not. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class);
        }

        @Override
        public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
            Object project = namedArgs.get("project");
            return project instanceof String ? (String) project : null;
        }

        /**
         * The form's text areas (commands, env, extra vars, secrets) become the list and map parameters
         * (read by the core's StepForm); the other fields are bound as usual. A bad field is reported as
         * an IllegalArgumentException, since Snippetizer.doGenerateSnippet shows the message of a
         * RuntimeException and turns anything else, a FormException included, into an error page.
         */
        @Override
        public Step newInstance(@CheckForNull StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            StepForm.TextAreas areas = StepForm.textAreas(formData);
            JSONObject form = new JSONObject();
            // JSONObject is a Map<String, Object>, so its keys are Strings (json-lib 2.4-jenkins)
            for (String key : formData.keySet()) {
                Object value = formData.get(key);
                if (!StepForm.TEXT_AREAS.contains(key) && !(value instanceof String text && text.isBlank())) {
                    form.put(key, value);
                }
            }
            Step step;
            try {
                step = super.newInstance(req, form);
            } catch (FormException e) {
                throw new IllegalArgumentException(StepForm.fieldProblem(e.getFormField(), e.getMessage()), e);
            }
            if (step instanceof DeploysterStep deploy) {
                deploy.setCommands(areas.commands());
                deploy.setEnv(areas.env());
                deploy.setExtraVars(areas.extraVars());
                deploy.setSecretEnv(areas.secretEnv());
                deploy.setSecretExtraVars(areas.secretExtraVars());
            }
            return step;
        }

        /** Text for the form's text areas. */
        public String linesOf(@CheckForNull List<String> items) {
            return StepForm.lines(items);
        }

        public String extraVarsOf(@CheckForNull Map<String, Object> extraVars) {
            return StepForm.extraVarsText(extraVars);
        }

        public String nameValuesOf(@CheckForNull Map<String, String> map) {
            return StepForm.nameValueLines(map);
        }

        /** A fixed list: nothing private, no side effect (see the note below). */
        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public ListBoxModel doFillModeItems() {
            ListBoxModel items = new ListBoxModel();
            items.add("queue: a worker on the deploy hosts runs it", StepMode.QUEUE.wireName());
            items.add("agent: ansible-playbook runs in this agent's workspace", StepMode.AGENT.wireName());
            return items;
        }

        /*
         * The field checks below (and doFillModeItems) read only the value sent with the request: the core's
         * Checks parse text and touch no credential, file, network or configuration, and the answer holds
         * nothing a user could not read in the plugin's sources. The Jenkins Security Scan flags every web
         * method without a permission check or a POST verb; for these it is a false positive, suppressed
         * here as its documentation says. The credential drop-downs below do check permissions (and POST).
         */
        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckProject(@QueryParameter String value) {
            return Forms.of(Checks.project(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckQueue(@QueryParameter String value) {
            return Forms.of(Checks.queue(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return Forms.of(Checks.timeoutSeconds(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckRedis(@QueryParameter String value) {
            return Forms.of(Checks.redisOverride(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckEnv(@QueryParameter String value) {
            return Forms.of(Checks.envLines(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckExtraVars(@QueryParameter String value) {
            return Forms.of(Checks.extraVars(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckWorkflow(@QueryParameter String value) {
            return Forms.of(Checks.workflow(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckSecretEnv(@QueryParameter String value) {
            return Forms.of(Checks.secretLines(value));
        }

        @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
        public FormValidation doCheckSecretExtraVars(@QueryParameter String value) {
            return Forms.of(Checks.secretLines(value));
        }

        @POST
        public ListBoxModel doFillSshCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String sshCredentialsId) {
            return credentials(item, sshCredentialsId, SSHUserPrivateKey.class);
        }

        @POST
        public ListBoxModel doFillVaultCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String vaultCredentialsId) {
            return credentials(item, vaultCredentialsId, StringCredentials.class);
        }

        private static ListBoxModel credentials(@CheckForNull Item item, String currentId,
                                                Class<? extends StandardCredentials> type) {
            String current = Util.fixNull(currentId);
            StandardListBoxModel result = new StandardListBoxModel();
            boolean allowed = item == null
                    ? Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                    : item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
            if (!allowed) {
                return result.includeCurrentValue(current);
            }
            return result.includeEmptyValue()
                    .includeMatchingAs(item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2,
                            item, type, Collections.emptyList(), CredentialsMatchers.always())
                    .includeCurrentValue(current);
        }
    }
}
