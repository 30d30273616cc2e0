package io.deployster.jenkins.plan;

import io.deployster.jenkins.credentials.JobSigning;
import io.deployster.jenkins.form.StepForm;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.Problem;
import io.deployster.redis.RedisUri;
import io.deployster.workflow.WorkflowParser;
import java.util.List;

/**
 * The checks behind the forms' field validation (global configuration and Snippet Generator); the
 * plugin turns each {@link Check} into a {@code FormValidation}.
 */
public final class Checks {
    private static final JobSpecValidator VALIDATOR = new JobSpecValidator(JobLimits.DEFAULT);

    private Checks() {
    }

    public record Check(Level level, String message) {
        public enum Level { OK, WARNING, ERROR }

        public static final Check OK = new Check(Level.OK, null);

        static Check warning(String message) {
            return new Check(Level.WARNING, message);
        }

        static Check error(String message) {
            return new Check(Level.ERROR, message);
        }
    }

    /** The global Redis URI: required, redis://, rediss:// or redis-sentinel://..., and no password in it. */
    public static Check redisUri(String value) {
        if (value == null || value.isBlank()) {
            return Check.error("Set the Redis every deployster step uses, e.g. redis://redis.internal:6379 (rediss:// for TLS)");
        }
        try {
            RedisUri uri = RedisUri.parse(value);
            if (uri.password() != null) {
                return Check.warning("The password is stored in clear in the configuration: leave it out of the URI "
                        + "and choose a credential under 'Redis password' instead");
            }
            return Check.OK;
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    /** A step's {@code redis} override: optional, a Redis URI without credentials. */
    public static Check redisOverride(String value) {
        if (value == null || value.isBlank()) {
            return Check.OK;
        }
        try {
            RedisUri uri = RedisUri.parse(value);
            return uri.userInfo() == null ? Check.OK
                    : Check.error("Leave credentials out of the URI: the Redis credentials of the global configuration are used");
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    public static Check project(String value) {
        if (value == null || value.isBlank()) {
            return Check.error("Give the project: deploys of one project never overlap");
        }
        return field("project", JobSpec.commands(value.strip(), "/", List.of("true")).build());
    }

    public static Check queue(String value) {
        if (value == null || value.isBlank()) {
            return Check.OK;
        }
        return field("queue", JobSpec.commands("p", "/", List.of("true")).queue(value.strip()).build());
    }

    public static Check mode(String value) {
        return StepMode.parse(value) != null ? Check.OK : Check.error("Use 'queue' or 'agent'");
    }

    /** A whole number from {@code min} to {@code max}; blank is allowed (meaning none) when {@code min} is 0. */
    public static Check number(String value, int min, int max, String what) {
        if (value == null || value.isBlank()) {
            return min == 0 ? Check.OK : Check.error("Give " + what);
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < min || n > max) {
                return Check.error("Use " + min + " to " + max + (min == 0 ? " (0 for none)" : ""));
            }
            return Check.OK;
        } catch (NumberFormatException e) {
            return Check.error("'" + value.strip() + "' is not a whole number");
        }
    }

    public static Check lockTtlSeconds(String value) {
        Check check = number(value, 1, 3600, "the lock TTL in seconds");
        if (check.level() == Check.Level.OK && Integer.parseInt(value.strip()) < 5) {
            return Check.warning("Under 5 s, a worker briefly cut off from Redis loses its lock while it still deploys");
        }
        return check;
    }

    public static Check timeoutSeconds(String value) {
        return number(value, 0, 7 * 24 * 3600, "a timeout in seconds");
    }

    public static Check retentionDays(String value) {
        return number(value, 1, 365, "how many days to keep finished jobs");
    }

    /** The Snippet Generator's environment text area: one NAME=value per line. */
    public static Check envLines(String value) {
        List<String> lines = StepForm.parseLines(value);
        if (lines == null) {
            return Check.OK;
        }
        for (String line : lines) {
            if (line.indexOf('=') < 1) {
                return Check.error("'" + line + "' is not NAME=value");
            }
        }
        return Check.OK;
    }

    /**
     * The Snippet Generator's workflow text area: the file as the step will read it, every problem on
     * its own line, named as the step names it ({@code workflow.tasks.deploy.needs[0]: …}). A file
     * without a project is checked as if the step's filled it in (the form's project field is checked
     * on its own).
     */
    public static Check workflow(String value) {
        if (value == null || value.isBlank()) {
            return Check.OK;
        }
        try {
            WorkflowParser.parseValid(value, wf -> wf.project() == null ? wf.withProject("project") : wf);
            return Check.OK;
        } catch (InvalidJobException e) {
            StringBuilder message = new StringBuilder();
            for (Problem p : e.problems()) {
                String field = p.field().equals("workflow") ? "workflow" : "workflow." + p.field();
                message.append(message.length() == 0 ? "" : "\n").append(new Problem(field, p.value(), p.allowed()));
            }
            return Check.error(message.toString());
        }
    }

    /**
     * The global "Job signing key": the chosen credential's text must be a usable key ring.
     *
     * @param keyText the credential's secret, or null when the id finds no Secret text credential
     */
    public static Check signingKey(String credentialsId, String keyText) {
        try {
            JobSigning.signer(credentialsId, keyText);
            return Check.OK;
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    /** The Snippet Generator's secret text areas ({@code secretEnv}, {@code secretExtraVars}): NAME=credentialsId lines. */
    public static Check secretLines(String value) {
        try {
            StepForm.parseNameValues(value);
            return Check.OK;
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    /** The Snippet Generator's extra vars text area: a JSON object or name=value lines. */
    public static Check extraVars(String value) {
        try {
            StepForm.parseExtraVars(value);
            return Check.OK;
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    private static Check field(String field, JobSpec probe) {
        try {
            VALIDATOR.validate(probe);
            return Check.OK;
        } catch (InvalidJobException e) {
            for (Problem p : e.problems()) {
                if (p.field().equals(field)) {
                    return Check.error(p.toString());
                }
            }
            return Check.OK;
        }
    }
}
