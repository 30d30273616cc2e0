package io.deployster.jenkins.credentials;

import io.deployster.jenkins.plan.Checks;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The signer of the jobs this Jenkins submits, from the admin's "Job signing key" credential: a
 * Secret text whose secret is the key text workers and the CLI read ({@code id:base64-secret}, one
 * key per line, the first one signs; see {@link KeyRing#parse}). Every problem is reported naming
 * the credential id, never any part of the secret.
 */
public final class JobSigning {
    /**
     * The max age a signer carries. A producer only signs (with the current time); how old a job may
     * be when it starts is decided by each worker's own {@code --max-age}, whose default this is.
     */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

    private JobSigning() {
    }

    /** The source named in {@link KeyRing#parse} messages. */
    public static String source(String credentialsId) {
        return "Jenkins credential " + credentialsId;
    }

    /** As {@link #signer(String, String, Duration, Clock)} with the default max age and the system clock. */
    public static JobSigner signer(String credentialsId, String keyText) {
        return signer(credentialsId, keyText, DEFAULT_MAX_AGE, Clock.systemUTC());
    }

    /**
     * @param credentialsId the configured credential id; null or blank when no key is configured
     * @param keyText the credential's secret text; null when the id finds no Secret text credential
     * @param maxAge carried by the signer; null for {@link #DEFAULT_MAX_AGE}
     * @return the signer, or null when no credential is configured (jobs are submitted unsigned)
     * @throws IllegalArgumentException naming the credential and saying what is wrong and how to fix it
     */
    public static JobSigner signer(String credentialsId, String keyText, Duration maxAge, Clock clock) {
        if (credentialsId == null || credentialsId.isBlank()) {
            return null;
        }
        String id = credentialsId.strip();
        if (keyText == null) {
            throw new IllegalArgumentException(prefix(id) + "does not exist or is not a Secret text credential, "
                    + "so jobs cannot be signed. " + FIX);
        }
        String unsafe = unsafeEntry(keyText);
        if (unsafe != null) {
            throw new IllegalArgumentException(prefix(id) + "is not usable: " + unsafe + ". " + FORMAT);
        }
        KeyRing keys;
        try {
            keys = KeyRing.parse(keyText, source(id));
        } catch (IllegalArgumentException e) {
            // KeyRing and SigningKey name the entry by its key id only; the secret never appears
            throw new IllegalArgumentException(prefix(id) + "is not usable: " + e.getMessage() + ". " + FORMAT);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(prefix(id) + "holds no key. " + FORMAT);
        }
        return new JobSigner(keys, clock, maxAge == null || maxAge.isNegative() || maxAge.isZero() ? DEFAULT_MAX_AGE : maxAge);
    }

    private static final String FIX = "Fix it in Manage Jenkins → System → Deployster → Job signing key "
            + "(or unclassified: deployster: signingKeyCredentialsId), or clear that field to submit unsigned jobs";

    private static final String FORMAT = "Its secret must be one or more lines 'id:base64-secret', the same text as the workers' "
            + "DEPLOYSTER_KEYS (a key is at least 32 random bytes: openssl rand -base64 32); the first key signs";

    /**
     * Checks what {@link KeyRing#parse} would echo before it does: it names an entry by the text before
     * its ':', which is the secret itself when someone wrote the entry the wrong way round.
     *
     * @return what is wrong with the first bad entry (by number, without its text), or null
     */
    private static String unsafeEntry(String keyText) {
        int n = 0;
        for (String line : keyText.split("[\\n,]")) {
            String entry = line.replaceFirst("#.*", "").trim();
            if (entry.isEmpty()) {
                continue;
            }
            n++;
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                return "key entry " + n + " has no 'id:' before its secret";
            }
            if (!KEY_ID.matcher(entry.substring(0, colon).trim()).matches()) {
                return "key entry " + n + " does not start with a key id (1 to 64 of A-Z a-z 0-9 . _ -) and ':'";
            }
        }
        return null;
    }

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static String prefix(String id) {
        return "deployster: the job signing key credential '" + id + "' ";
    }
}
