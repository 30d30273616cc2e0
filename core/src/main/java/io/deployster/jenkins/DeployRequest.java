package io.deployster.jenkins;

import io.deployster.job.JobSpec;
import io.deployster.queue.QueueSettings;

/**
 * A checked deploy, ready to run: what {@link DeployPlanner} makes of the step's parameters and the
 * global settings.
 *
 * @param redisUri the Redis to submit to, without credentials (queue mode); null in agent mode
 * @param sshCredentialsId agent mode: SSH key credential for ansible-playbook, or null
 * @param vaultCredentialsId agent mode: vault password credential, or null
 */
public record DeployRequest(StepMode mode, JobSpec spec, String redisUri, QueueSettings queueSettings, boolean quiet,
                            String sshCredentialsId, String vaultCredentialsId) {
}
