package io.deployster.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Util;
import hudson.security.ACL;
import io.deployster.jenkins.StepProblem;
import io.deployster.jenkins.credentials.JobSigning;
import io.deployster.jenkins.credentials.RedisAddress;
import io.deployster.secret.CredentialMasks;
import io.deployster.secret.Masker;
import io.deployster.sign.JobSigner;
import java.util.Collections;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The credentials of the global configuration: the Redis address plus the password credential chosen
 * by the admin, and the job signing key. The results hold secrets: they are used to connect and sign
 * and are never saved with the step (the step saves the address only).
 */
final class GlobalCredentials {
    private GlobalCredentials() {
    }

    /** A URI to connect with, and the secrets to mask in anything printed. */
    record RedisLogin(String uri, Masker masker) {
    }

    /**
     * @param redisUri the address without credentials (the global one, or a step's override)
     * @throws StepProblem when the configured credential is missing or of a kind that cannot be used
     */
    static RedisLogin redisLogin(String redisUri) {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        return redisLogin(redisUri, config.getRedisCredentialsId());
    }

    static RedisLogin redisLogin(String redisUri, @CheckForNull String credentialsId) {
        String id = Util.fixEmptyAndTrim(credentialsId);
        if (id == null) {
            return new RedisLogin(RedisAddress.withCredentials(redisUri, null, null), Masker.none());
        }
        StandardCredentials credential = find(id);
        String user;
        String password;
        if (credential instanceof StringCredentials secretText) {
            user = null;
            password = secretText.getSecret().getPlainText();
        } else if (credential instanceof StandardUsernamePasswordCredentials userPassword) {
            user = userPassword.getUsername();
            password = userPassword.getPassword().getPlainText();
        } else {
            throw new StepProblem("deployster: the Redis credential '" + id + "' of the global configuration does not exist "
                    + "or is neither Secret text nor Username with password; fix it in Manage Jenkins → System → Deployster");
        }
        return new RedisLogin(RedisAddress.withCredentials(redisUri, user, password), CredentialMasks.of(password));
    }

    /**
     * The signer for queued jobs, from the Secret text credential the global configuration names.
     *
     * @param credentialsId the credential id, or null for unsigned jobs
     * @return null when no credential is configured
     * @throws StepProblem naming the credential when it is missing or does not hold a usable key
     */
    @CheckForNull
    static JobSigner signer(@CheckForNull String credentialsId) {
        String id = Util.fixEmptyAndTrim(credentialsId);
        try {
            return JobSigning.signer(id, id == null ? null : secretText(id));
        } catch (IllegalArgumentException e) {
            throw new StepProblem(e.getMessage(), e);
        }
    }

    /** The secret of a global or system Secret text credential, or null when there is no such credential. */
    @CheckForNull
    static String secretText(String id) {
        return find(id) instanceof StringCredentials secretText ? secretText.getSecret().getPlainText() : null;
    }

    /** A global or system credential by id, as the system sees it (only admins choose these). */
    @CheckForNull
    static StandardCredentials find(String id) {
        return CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2,
                        Collections.emptyList()),
                CredentialsMatchers.withId(id));
    }
}
