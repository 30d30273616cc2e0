package io.deployster.jenkins.credentials;

import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.job.Problem;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step's secret parameters ({@code secretEnv}, {@code secretExtraVars}) resolved to their values:
 * each names a Secret text credential by id, which the plugin looks up for the build. The values
 * become the core's {@link Secrets}: sealed for the worker in queue mode, handed to ansible-playbook
 * through the environment or a private file in agent mode, and masked in the console either way.
 */
public final class SecretCredentials {
    /** How the plugin reads a credential for the build. */
    @FunctionalInterface
    public interface Lookup {
        /**
         * @return the secret of the Secret text credential with this id that the build may use, or null
         *         when there is none
         */
        String secretText(String credentialsId) throws IOException, InterruptedException;
    }

    private SecretCredentials() {
    }

    /**
     * Looks up every credential the request names (each id once).
     *
     * @throws InvalidStepException naming each variable whose credential is missing or unusable, and
     *         the credential id (never a value)
     */
    public static Secrets resolve(DeployRequest request, Lookup lookup) throws IOException, InterruptedException {
        if (!request.hasSecrets()) {
            return Secrets.none();
        }
        Map<String, String> byId = new HashMap<>();
        for (String id : request.secretCredentialIds()) {
            byId.put(id, lookup.secretText(id));
        }
        List<Problem> problems = new ArrayList<>();
        Map<String, String> env = values("secretEnv", request.secretEnv(), byId, problems);
        Map<String, Object> extraVars = new LinkedHashMap<>(values("secretExtraVars", request.secretExtraVars(), byId, problems));
        if (!problems.isEmpty()) {
            throw new InvalidStepException(problems);
        }
        return new Secrets(env, extraVars);
    }

    /**
     * The values to mask for a step that follows its job again after a Jenkins restart: the secrets
     * were not saved with it, so they are looked up anew. Best effort: a credential that is gone or
     * unreadable now is skipped (the worker masks its output too).
     */
    public static Masker masker(Collection<String> credentialIds, Lookup lookup) {
        List<String> values = new ArrayList<>();
        for (String id : credentialIds) {
            try {
                String value = lookup.secretText(id);
                if (value != null && value.length() >= Secrets.MIN_LENGTH) {
                    values.add(value);
                }
            } catch (IOException | RuntimeException e) {
                // skipped, see above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Masker(values);
    }

    private static Map<String, String> values(String field, Map<String, String> refs, Map<String, String> byId, List<Problem> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        refs.forEach((name, id) -> {
            String value = byId.get(id);
            if (value == null) {
                problems.add(new Problem(field + "." + name, id, "no Secret text credential with this id is available to this build; "
                        + "check the id in Manage Jenkins → Credentials (or the folder's credentials)"));
            } else if (value.length() < Secrets.MIN_LENGTH) {
                problems.add(new Problem(field + "." + name, id, "the credential's value is shorter than " + Secrets.MIN_LENGTH
                        + " characters; it would mask ordinary output, so it is refused"));
            } else if (value.indexOf('\0') >= 0) {
                problems.add(new Problem(field + "." + name, id, "the credential's value contains a NUL character, which cannot be passed on"));
            } else {
                values.put(name, value);
            }
        });
        return values;
    }
}
