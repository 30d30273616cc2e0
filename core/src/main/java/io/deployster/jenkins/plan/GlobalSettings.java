package io.deployster.jenkins.plan;

import io.deployster.job.JobSpec;
import io.deployster.queue.QueueSettings;
import java.time.Duration;

/**
 * The admin's defaults (Manage Jenkins → System → Deployster, or configuration as code), as the step
 * sees them. Credentials are named here by id only: the plugin resolves them when it submits.
 *
 * @param redisUri the Redis to use unless a step names another; null when not configured
 * @param defaultQueue queue for steps that name none
 * @param lockTtlSeconds how long a project lock outlives its holder's last renewal
 * @param defaultTimeoutSeconds timeout for steps that give none; 0 for none
 * @param logRetentionDays how long finished jobs and their logs stay in Redis
 * @param signingKeyCredentialsId Secret text credential with the key that signs queued jobs; null: unsigned
 */
public record GlobalSettings(String redisUri, String defaultQueue, int lockTtlSeconds, int defaultTimeoutSeconds,
                             int logRetentionDays, String signingKeyCredentialsId) {

    public static final int DEFAULT_LOCK_TTL_SECONDS = (int) QueueSettings.DEFAULT.lockTtl().toSeconds();
    public static final int DEFAULT_RETENTION_DAYS = (int) QueueSettings.DEFAULT.retention().toDays();
    public static final GlobalSettings DEFAULT = new GlobalSettings(null, JobSpec.DEFAULT_QUEUE,
            DEFAULT_LOCK_TTL_SECONDS, 0, DEFAULT_RETENTION_DAYS, null);

    public GlobalSettings {
        signingKeyCredentialsId = signingKeyCredentialsId == null || signingKeyCredentialsId.isBlank() ? null : signingKeyCredentialsId.strip();
    }

    /** Settings without a signing key: jobs are submitted unsigned. */
    public GlobalSettings(String redisUri, String defaultQueue, int lockTtlSeconds, int defaultTimeoutSeconds, int logRetentionDays) {
        this(redisUri, defaultQueue, lockTtlSeconds, defaultTimeoutSeconds, logRetentionDays, null);
    }

    /** The protocol tunables for a client of this Jenkins; out-of-range values fall back to the defaults. */
    public QueueSettings queueSettings() {
        return queueSettings(lockTtlSeconds, logRetentionDays);
    }

    /** The protocol tunables for saved values (a resumed step's); out-of-range values fall back to the defaults. */
    public static QueueSettings queueSettings(long lockTtlSeconds, long retentionDays) {
        Duration ttl = lockTtlSeconds >= 1 ? Duration.ofSeconds(lockTtlSeconds) : QueueSettings.DEFAULT.lockTtl();
        Duration retention = retentionDays >= 1 ? Duration.ofDays(retentionDays) : QueueSettings.DEFAULT.retention();
        return new QueueSettings(ttl, QueueSettings.DEFAULT.logMaxLen(), retention);
    }
}
