package io.deployster.jenkins.plan;

import io.deployster.job.JobSpec;
import io.deployster.queue.QueueSettings;
import io.deployster.workflow.WorkflowSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A checked deploy, ready to run: what {@link DeployPlanner} makes of the step's parameters and the
 * global settings. It names credentials by id only; no secret value is in it.
 *
 * @param redisUri the Redis to submit to, without credentials (queue mode); null in agent mode
 * @param sshCredentialsId agent mode: SSH key credential for ansible-playbook, or null
 * @param vaultCredentialsId agent mode: vault password credential, or null
 * @param secretEnv variable name → Secret text credential id; empty for none
 * @param secretExtraVars extra variable name → Secret text credential id; empty for none
 * @param signingKeyCredentialsId queue mode: the credential with the key that signs the job; null: unsigned
 * @param workflow the checked workflow to submit instead of a job ({@link WorkflowPlanner}); then {@code spec}
 *     is null, the mode is queue and there are no secrets; null for a job
 */
public record DeployRequest(StepMode mode, JobSpec spec, String redisUri, QueueSettings queueSettings, boolean quiet,
                            String sshCredentialsId, String vaultCredentialsId, Map<String, String> secretEnv,
                            Map<String, String> secretExtraVars, String signingKeyCredentialsId, WorkflowSpec workflow) {

    public DeployRequest {
        secretEnv = secretEnv == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(secretEnv));
        secretExtraVars = secretExtraVars == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(secretExtraVars));
    }

    /** A job's request: no workflow. */
    public DeployRequest(StepMode mode, JobSpec spec, String redisUri, QueueSettings queueSettings, boolean quiet,
                         String sshCredentialsId, String vaultCredentialsId, Map<String, String> secretEnv,
                         Map<String, String> secretExtraVars, String signingKeyCredentialsId) {
        this(mode, spec, redisUri, queueSettings, quiet, sshCredentialsId, vaultCredentialsId, secretEnv, secretExtraVars,
                signingKeyCredentialsId, null);
    }

    /** True when this submits a workflow ({@link #workflow()}), not a job. */
    public boolean isWorkflow() {
        return workflow != null;
    }

    /** The project deployed, of the job or the workflow. */
    public String project() {
        return workflow != null ? workflow.project() : spec.project();
    }

    public boolean hasSecrets() {
        return !secretEnv.isEmpty() || !secretExtraVars.isEmpty();
    }

    /** Every credential id a secret parameter names, each once, in order. */
    public Set<String> secretCredentialIds() {
        Set<String> ids = new LinkedHashSet<>(secretEnv.values());
        ids.addAll(secretExtraVars.values());
        return ids;
    }
}
