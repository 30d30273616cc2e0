package io.deployster.job;

import com.google.gson.annotations.JsonAdapter;
import com.google.gson.annotations.SerializedName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a producer asks a worker to run. Crosses the wire as JSON inside the job hash and the queue
 * entry; {@link JobSpecValidator} decides whether it is acceptable. Null means "not given".
 *
 * <p>Commands mode uses {@code cd}, {@code commands}, {@code env} and {@code secretEnv}; ansible mode
 * uses {@code playbook} through {@code cwd} and {@code secretExtraVars}. The common fields apply to
 * both. The secret maps hold values sealed by {@link io.deployster.secret.SecretBox}, never clear text.
 *
 * <p>{@code workflow} and {@code workflowTask} name the workflow and task a job runs for (it then runs
 * under the workflow's project lock, docs/workflows.md); {@code callbackUrl} receives the job's result
 * as signed JSON when it ends.
 */
public record JobSpec(
        @SerializedName("mode") String modeName,
        String project,
        String queue,
        String ref,
        String commit,
        Integer timeoutSeconds,
        String submittedBy,
        String cd,
        List<String> commands,
        Map<String, String> env,
        String playbook,
        String inventory,
        String limit,
        String tags,
        @JsonAdapter(ExtraVarsAdapter.class) Map<String, Object> extraVars,
        Boolean check,
        Boolean diff,
        Integer verbosity,
        String cwd,
        Map<String, String> secretEnv,
        Map<String, String> secretExtraVars,
        String workflow,
        String workflowTask,
        String callbackUrl) {

    public static final String DEFAULT_QUEUE = "deploy";

    // Copies keep the given order (.env is written in it) and keep null elements, which come from
    // malformed JSON: the validator names them instead of the decoder failing without a field.
    public JobSpec {
        commands = commands == null ? null : Collections.unmodifiableList(new ArrayList<>(commands));
        env = env == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        secretEnv = secretEnv == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(secretEnv));
        secretExtraVars = secretExtraVars == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(secretExtraVars));
        extraVars = extraVars == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(extraVars));
    }

    /** @return the mode, or null when it is missing or not one of {@link Mode} (then {@link #modeName()} says what was given) */
    public Mode mode() {
        return Mode.fromWireName(modeName);
    }

    /** The queue to use: the given one, or {@value #DEFAULT_QUEUE}. */
    public String queueOrDefault() {
        return queue == null || queue.isEmpty() ? DEFAULT_QUEUE : queue;
    }

    /** A builder holding this spec's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = modeName;
        b.project = project;
        b.queue = queue;
        b.ref = ref;
        b.commit = commit;
        b.timeoutSeconds = timeoutSeconds;
        b.submittedBy = submittedBy;
        b.cd = cd;
        b.commands = commands;
        b.env = env;
        b.playbook = playbook;
        b.inventory = inventory;
        b.limit = limit;
        b.tags = tags;
        b.extraVars = extraVars;
        b.check = check;
        b.diff = diff;
        b.verbosity = verbosity;
        b.cwd = cwd;
        b.secretEnv = secretEnv;
        b.secretExtraVars = secretExtraVars;
        b.workflow = workflow;
        b.workflowTask = workflowTask;
        b.callbackUrl = callbackUrl;
        return b;
    }

    public static Builder commands(String project, String cd, List<String> commands) {
        return new Builder().mode(Mode.COMMANDS).project(project).cd(cd).commands(commands);
    }

    public static Builder ansible(String project, String playbook) {
        return new Builder().mode(Mode.ANSIBLE).project(project).playbook(playbook);
    }

    /** Mutable assembly of a spec, for the CLI, the Jenkins step and tests. */
    public static final class Builder {
        private String mode;
        private String project;
        private String queue;
        private String ref;
        private String commit;
        private Integer timeoutSeconds;
        private String submittedBy;
        private String cd;
        private List<String> commands;
        private Map<String, String> env;
        private String playbook;
        private String inventory;
        private String limit;
        private String tags;
        private Map<String, Object> extraVars;
        private Boolean check;
        private Boolean diff;
        private Integer verbosity;
        private String cwd;
        private Map<String, String> secretEnv;
        private Map<String, String> secretExtraVars;
        private String workflow;
        private String workflowTask;
        private String callbackUrl;

        public Builder mode(Mode v) { mode = v.wireName(); return this; }
        public Builder project(String v) { project = v; return this; }
        public Builder queue(String v) { queue = v; return this; }
        public Builder ref(String v) { ref = v; return this; }
        public Builder commit(String v) { commit = v; return this; }
        public Builder timeoutSeconds(Integer v) { timeoutSeconds = v; return this; }
        public Builder submittedBy(String v) { submittedBy = v; return this; }
        public Builder cd(String v) { cd = v; return this; }
        public Builder commands(List<String> v) { commands = v; return this; }
        public Builder env(Map<String, String> v) { env = v; return this; }
        public Builder playbook(String v) { playbook = v; return this; }
        public Builder inventory(String v) { inventory = v; return this; }
        public Builder limit(String v) { limit = v; return this; }
        public Builder tags(String v) { tags = v; return this; }
        public Builder extraVars(Map<String, Object> v) { extraVars = v; return this; }
        public Builder check(Boolean v) { check = v; return this; }
        public Builder diff(Boolean v) { diff = v; return this; }
        public Builder verbosity(Integer v) { verbosity = v; return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder mode(String v) { mode = v; return this; }
        public Builder secretEnv(Map<String, String> v) { secretEnv = v; return this; }
        public Builder secretExtraVars(Map<String, String> v) { secretExtraVars = v; return this; }
        public Builder workflow(String v) { workflow = v; return this; }
        public Builder workflowTask(String v) { workflowTask = v; return this; }
        public Builder callbackUrl(String v) { callbackUrl = v; return this; }

        public JobSpec build() {
            return new JobSpec(mode, project, queue, ref, commit, timeoutSeconds, submittedBy, cd, commands, env,
                    playbook, inventory, limit, tags, extraVars, check, diff, verbosity, cwd, secretEnv, secretExtraVars,
                    workflow, workflowTask, callbackUrl);
        }
    }
}
