package io.deployster.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.deployster.jenkins.StepProblem;
import io.deployster.jenkins.follow.ControllerRedis;
import io.deployster.jenkins.plan.Checks;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.redis.RedisProbe;
import java.io.IOException;
import java.util.Collections;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Deployster's section of Manage Jenkins → System, and {@code unclassified: deployster:} in
 * configuration as code: the Redis every step uses, its credential, and the defaults.
 */
@Extension
@Symbol("deployster")
public class DeploysterGlobalConfiguration extends GlobalConfiguration {
    private String redisUri;
    private String redisCredentialsId;
    private String signingKeyCredentialsId;
    private String defaultQueue = GlobalSettings.DEFAULT.defaultQueue();
    private int lockTtlSeconds = GlobalSettings.DEFAULT_LOCK_TTL_SECONDS;
    private int defaultTimeoutSeconds;
    private int logRetentionDays = GlobalSettings.DEFAULT_RETENTION_DAYS;
    /** The controller's Redis clients and their threads, shared by every queue-mode step (never saved). */
    private final transient ControllerRedis clients = new ControllerRedis();

    public DeploysterGlobalConfiguration() {
        load();
    }

    /** One shared client per Redis, one log reader per Redis (two past 200 followed logs), two work threads: for all steps. */
    ControllerRedis clients() {
        return clients;
    }

    public static DeploysterGlobalConfiguration get() {
        return ExtensionList.lookupSingleton(DeploysterGlobalConfiguration.class);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return "Deployster";
    }

    /** The settings as the step's planner takes them. */
    GlobalSettings settings() {
        return new GlobalSettings(redisUri, defaultQueue, lockTtlSeconds, defaultTimeoutSeconds, logRetentionDays,
                signingKeyCredentialsId);
    }

    public String getRedisUri() {
        return redisUri;
    }

    @DataBoundSetter
    public void setRedisUri(String redisUri) {
        this.redisUri = Util.fixEmptyAndTrim(redisUri);
        save();
        clients.configurationChanged();
    }

    public String getRedisCredentialsId() {
        return redisCredentialsId;
    }

    @DataBoundSetter
    public void setRedisCredentialsId(String redisCredentialsId) {
        this.redisCredentialsId = Util.fixEmptyAndTrim(redisCredentialsId);
        save();
        clients.configurationChanged();
    }

    /**
     * Secret text credential whose secret is the key text ({@code id:base64-secret}, one key per line,
     * the first signs) that signs every job this Jenkins queues; null: jobs are submitted unsigned.
     */
    public String getSigningKeyCredentialsId() {
        return signingKeyCredentialsId;
    }

    @DataBoundSetter
    public void setSigningKeyCredentialsId(String signingKeyCredentialsId) {
        this.signingKeyCredentialsId = Util.fixEmptyAndTrim(signingKeyCredentialsId);
        save();
    }

    public String getDefaultQueue() {
        return defaultQueue;
    }

    @DataBoundSetter
    public void setDefaultQueue(String defaultQueue) {
        String queue = Util.fixEmptyAndTrim(defaultQueue);
        this.defaultQueue = queue == null ? GlobalSettings.DEFAULT.defaultQueue() : queue;
        save();
    }

    public int getLockTtlSeconds() {
        return lockTtlSeconds;
    }

    @DataBoundSetter
    public void setLockTtlSeconds(int lockTtlSeconds) {
        this.lockTtlSeconds = lockTtlSeconds;
        save();
    }

    public int getDefaultTimeoutSeconds() {
        return defaultTimeoutSeconds;
    }

    @DataBoundSetter
    public void setDefaultTimeoutSeconds(int defaultTimeoutSeconds) {
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        save();
    }

    public int getLogRetentionDays() {
        return logRetentionDays;
    }

    @DataBoundSetter
    public void setLogRetentionDays(int logRetentionDays) {
        this.logRetentionDays = logRetentionDays;
        save();
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try (BulkChange bc = new BulkChange(this)) {
            req.bindJSON(this, json);
            bc.commit();
        } catch (IOException e) {
            throw new FormException("Could not save the Deployster configuration: " + e.getMessage(), e, "redisUri");
        }
        return true;
    }

    // ---- form: credentials drop-downs (administrators only) ----

    @POST
    public ListBoxModel doFillRedisCredentialsIdItems(@QueryParameter String redisCredentialsId) {
        String current = Util.fixNull(redisCredentialsId);
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, Collections.emptyList(),
                        CredentialsMatchers.anyOf(CredentialsMatchers.instanceOf(StringCredentials.class),
                                CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class)))
                .includeCurrentValue(current);
    }

    @POST
    public ListBoxModel doFillSigningKeyCredentialsIdItems(@QueryParameter String signingKeyCredentialsId) {
        String current = Util.fixNull(signingKeyCredentialsId);
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, Collections.emptyList(),
                        CredentialsMatchers.always())
                .includeCurrentValue(current);
    }

    // ---- form: field validation (administrators only; read-only) ----

    /** The chosen signing key credential must hold a usable key text (checked by the core, the secret never shown). */
    @POST
    public FormValidation doCheckSigningKeyCredentialsId(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        String id = Util.fixEmptyAndTrim(value);
        return Forms.of(Checks.signingKey(id, id == null ? null : GlobalCredentials.secretText(id)));
    }

    @POST
    public FormValidation doCheckRedisUri(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        return Forms.of(Checks.redisUri(value));
    }

    @POST
    public FormValidation doCheckDefaultQueue(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        return Forms.of(Checks.queue(value));
    }

    @POST
    public FormValidation doCheckLockTtlSeconds(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        return Forms.of(Checks.lockTtlSeconds(value));
    }

    @POST
    public FormValidation doCheckDefaultTimeoutSeconds(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        return Forms.of(Checks.timeoutSeconds(value));
    }

    @POST
    public FormValidation doCheckLogRetentionDays(@QueryParameter String value) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        return Forms.of(Checks.retentionDays(value));
    }

    /** The "Test connection" button: PING through the core, with the credential as chosen in the form. */
    @POST
    public FormValidation doTestConnection(@QueryParameter String redisUri, @QueryParameter String redisCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        Checks.Check uriCheck = Checks.redisUri(redisUri);
        if (uriCheck.level() == Checks.Check.Level.ERROR) {
            return Forms.of(uriCheck);
        }
        GlobalCredentials.RedisLogin connection;
        try {
            connection = GlobalCredentials.redisLogin(redisUri.strip(), redisCredentialsId);
        } catch (StepProblem | IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
        RedisProbe.Result result = RedisProbe.ping(connection.uri());
        return result.ok() ? FormValidation.ok(result.message()) : FormValidation.error(result.message());
    }
}
