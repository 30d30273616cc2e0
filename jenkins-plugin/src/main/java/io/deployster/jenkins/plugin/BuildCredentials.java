package io.deployster.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.model.Run;
import io.deployster.jenkins.credentials.SecretCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Secret text credentials as a build may use them (the step's {@code secretEnv} and
 * {@code secretExtraVars}): looked up with the build's authentication, folder credentials included.
 */
final class BuildCredentials {
    private BuildCredentials() {
    }

    /**
     * @param track record the use in the credential's fingerprint (when the step uses the values;
     *              not when it only needs them again to mask the console after a restart)
     */
    static SecretCredentials.Lookup secretText(Run<?, ?> run, boolean track) {
        return id -> {
            StringCredentials credential = CredentialsProvider.findCredentialById(id, StringCredentials.class, run);
            if (credential == null) {
                return null;
            }
            if (track) {
                CredentialsProvider.track(run, credential);
            }
            return credential.getSecret().getPlainText();
        };
    }
}
