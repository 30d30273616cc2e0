package io.deployster.jenkins.plan;

import io.deployster.jenkins.credentials.RedisAddress;
import io.deployster.jenkins.form.StepForm;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.Mode;
import io.deployster.job.Problem;
import io.deployster.redis.RedisUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the step's parameters and the admin's defaults into one checked {@link DeployRequest}: which
 * mode, which job, which Redis. Every problem is reported at once, naming the parameter. A
 * {@code workflow:} parameter is planned by {@link WorkflowPlanner} instead.
 */
public final class DeployPlanner {
    private static final JobSpecValidator VALIDATOR = new JobSpecValidator(JobLimits.DEFAULT);
    /** Names of variables, as the job validator accepts them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final String NO_SIGNING_KEY = "secret values are encrypted with the job signing key, and none is configured: choose a "
            + "Secret text credential under Manage Jenkins → System → Deployster → Job signing key (or unclassified: deployster: "
            + "signingKeyCredentialsId), the same key the workers have";

    private DeployPlanner() {
    }

    /**
     * @param p the step's parameters as given (the plugin's step itself); raw values are accepted:
     *     blank text counts as not given, Groovy strings and numbers are normalised here
     * @param submittedBy who submits (the build), shown to deploys that wait behind this one
     * @throws InvalidStepException listing every problem
     */
    public static DeployRequest plan(DeployParameters p, GlobalSettings global, String submittedBy) {
        GlobalSettings settings = global == null ? GlobalSettings.DEFAULT : global;
        if (blankToNull(p.getWorkflow()) != null) {
            return WorkflowPlanner.plan(p, settings, submittedBy);
        }
        List<Problem> problems = new ArrayList<>();

        StepMode mode = StepMode.parse(p.getMode());
        if (mode == null) {
            problems.add(new Problem("mode", p.getMode(), "use 'queue' (a worker runs the deploy) or 'agent' (ansible-playbook runs on this Jenkins agent)"));
            mode = StepMode.QUEUE;
        }

        boolean commandsForm = p.getCommands() != null || blankToNull(p.getCd()) != null || p.getEnv() != null;
        boolean ansibleForm = blankToNull(p.getPlaybook()) != null;
        if (commandsForm && ansibleForm) {
            problems.add(new Problem("playbook", p.getPlaybook(), "give either 'commands' (with 'cd' and 'env') or 'playbook', not both"));
        } else if (!commandsForm && !ansibleForm) {
            problems.add(new Problem("commands", null, "give 'commands' with 'cd' (a command list) or 'playbook' (an Ansible deploy)"));
        }

        Map<String, String> env = parseEnv(p.getEnv(), problems);
        Map<String, String> secretEnv = secretRefs("secretEnv", p.getSecretEnv(), problems);
        Map<String, String> secretExtraVars = secretRefs("secretExtraVars", p.getSecretExtraVars(), problems);
        inClear(problems, "secretEnv", secretEnv, env);
        inClear(problems, "secretExtraVars", secretExtraVars, p.getExtraVars());
        Integer timeout = timeout(p.getTimeout(), settings);

        JobSpec.Builder b = new JobSpec.Builder()
                .project(blankToNull(p.getProject()))
                .ref(blankToNull(p.getRef()))
                .commit(blankToNull(p.getCommit()))
                .submittedBy(submittedBy)
                .timeoutSeconds(timeout);
        if (ansibleForm && !commandsForm) {
            b.mode(Mode.ANSIBLE).playbook(p.getPlaybook().strip())
                    .inventory(blankToNull(p.getInventory()))
                    .limit(blankToNull(p.getLimit()))
                    .tags(blankToNull(p.getTags()))
                    .extraVars(emptyToNull(StepForm.normalize(p.getExtraVars())))
                    .check(p.isCheck() ? Boolean.TRUE : null)
                    .diff(p.isDiff() ? Boolean.TRUE : null)
                    .verbosity(p.getVerbosity() == null || p.getVerbosity() == 0 ? null : p.getVerbosity())
                    .cwd(blankToNull(p.getCwd()));
        } else {
            b.mode(Mode.COMMANDS).cd(blankToNull(p.getCd())).commands(p.getCommands()).env(env);
            ansibleOnly(problems, "inventory", p.getInventory());
            ansibleOnly(problems, "limit", p.getLimit());
            ansibleOnly(problems, "tags", p.getTags());
            ansibleOnly(problems, "cwd", p.getCwd());
            if (p.getExtraVars() != null && !p.getExtraVars().isEmpty()) {
                problems.add(new Problem("extraVars", "given", "'extraVars' is for a playbook; pass values to commands with 'env'"));
            }
            if (p.isCheck() || p.isDiff()) {
                problems.add(new Problem(p.isCheck() ? "check" : "diff", "true", "'check' and 'diff' are for a playbook; remove them"));
            }
        }

        String redisUri = null;
        String queue = null;
        if (mode == StepMode.QUEUE) {
            queue = blankToNull(p.getQueue()) != null ? p.getQueue().strip() : blankToNull(settings.defaultQueue());
            b.queue(queue);
            redisUri = redisUri(p.getRedis(), settings, problems);
            agentOnly(problems, "sshCredentialsId", p.getSshCredentialsId());
            agentOnly(problems, "vaultCredentialsId", p.getVaultCredentialsId());
            // a worker exports secret env to commands and hands secret extra vars to ansible-playbook
            if (ansibleForm && !commandsForm && !secretEnv.isEmpty()) {
                problems.add(new Problem("secretEnv", String.join(", ", secretEnv.keySet()),
                        "in mode 'queue' a playbook gets secrets as extra variables: use secretExtraVars (secretEnv is for commands)"));
            }
            if (!ansibleForm && !secretExtraVars.isEmpty()) {
                problems.add(new Problem("secretExtraVars", String.join(", ", secretExtraVars.keySet()),
                        "'secretExtraVars' is for a playbook; pass secrets to commands with secretEnv"));
            }
            if (settings.signingKeyCredentialsId() == null && !(secretEnv.isEmpty() && secretExtraVars.isEmpty())) {
                problems.add(new Problem(secretEnv.isEmpty() ? "secretExtraVars" : "secretEnv",
                        String.join(", ", secretEnv.isEmpty() ? secretExtraVars.keySet() : secretEnv.keySet()), NO_SIGNING_KEY));
            }
        } else {
            if (commandsForm) {
                problems.add(new Problem("commands", String.valueOf(p.getCommands()),
                        "mode 'agent' runs a playbook; run commands with sh steps, or use mode 'queue'"));
            }
            if (blankToNull(p.getCwd()) != null) {
                problems.add(new Problem("cwd", p.getCwd(), "in mode 'agent' ansible-playbook runs in the workspace; wrap the step in dir('...') { } instead"));
            }
            b.cwd(null);
        }

        JobSpec spec = b.build();
        try {
            VALIDATOR.validate(spec);
        } catch (InvalidJobException e) {
            for (Problem problem : e.problems()) {
                if (!(mode == StepMode.AGENT && problem.field().equals("commands"))) {
                    problems.add(stepProblem(problem));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidStepException(problems);
        }
        return new DeployRequest(mode, spec, redisUri, settings.queueSettings(), p.isQuiet(),
                mode == StepMode.AGENT ? blankToNull(p.getSshCredentialsId()) : null,
                mode == StepMode.AGENT ? blankToNull(p.getVaultCredentialsId()) : null,
                secretEnv, secretExtraVars, mode == StepMode.QUEUE ? settings.signingKeyCredentialsId() : null);
    }

    /** The step's own timeout, else the admin's default; null for none. */
    private static Integer timeout(Integer step, GlobalSettings settings) {
        if (step != null) {
            return step == 0 ? null : step;
        }
        return settings.defaultTimeoutSeconds() > 0 ? settings.defaultTimeoutSeconds() : null;
    }

    static String redisUri(String override, GlobalSettings settings, List<Problem> problems) {
        String given = blankToNull(override);
        if (given != null) {
            try {
                RedisUri uri = RedisUri.parse(given);
                if (uri.userInfo() != null) {
                    problems.add(new Problem("redis", uri.toString(),
                            "leave credentials out of the URI: the Redis credentials of the global configuration are used"));
                }
                return given.strip();
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("redis", RedisAddress.redact(given), e.getMessage()));
                return null;
            }
        }
        if (blankToNull(settings.redisUri()) == null) {
            problems.add(new Problem("redis", null, "no Redis is configured: set the Redis URI in Manage Jenkins → System → Deployster "
                    + "(or unclassified: deployster: redisUri in configuration as code), or pass redis: 'redis://host:6379'"));
            return null;
        }
        return settings.redisUri().strip();
    }

    /** {@code K=V} entries as a map, in order; a later entry for the same name wins. */
    static Map<String, String> parseEnv(List<String> entries, List<Problem> problems) {
        if (entries == null) {
            return null;
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry == null ? -1 : entry.indexOf('=');
            if (eq < 1) {
                problems.add(new Problem("env", entry, "write each variable as NAME=value, e.g. NODE_ENV=production"));
            } else {
                env.put(entry.substring(0, eq).strip(), entry.substring(eq + 1));
            }
        }
        return env.isEmpty() ? null : env;
    }

    /**
     * A secret parameter: variable name → id of the Secret text credential with its value, in order.
     * Keys and values may be Groovy strings; both are taken as text.
     */
    static Map<String, String> secretRefs(String field, Map<String, ?> given, List<Problem> problems) {
        Map<String, String> refs = new LinkedHashMap<>();
        if (given == null) {
            return refs;
        }
        // a wildcard view: Groovy may hand over GString keys or values despite the declared type
        for (Map.Entry<?, ?> e : ((Map<?, ?>) given).entrySet()) {
            Object key = e.getKey();
            Object value = e.getValue();
            String name = key == null ? "" : key.toString().strip();
            String id = value == null ? "" : value.toString().strip();
            if (!NAME.matcher(name).matches()) {
                problems.add(new Problem(field, name, "names are a letter or _ followed by letters, digits or _, e.g. "
                        + field + ": [DB_PASSWORD: 'db-password-credential-id']"));
            } else if (id.isEmpty()) {
                problems.add(new Problem(field + "." + name, null, "give the id of a Secret text credential holding the value"));
            } else {
                refs.put(name, id);
            }
        }
        return refs;
    }

    private static void inClear(List<Problem> problems, String field, Map<String, String> secrets, Map<String, ?> plain) {
        if (plain == null) {
            return;
        }
        for (String name : secrets.keySet()) {
            if (plain.containsKey(name)) {
                problems.add(new Problem(field + "." + name, "also given in clear",
                        "give a variable either as a secret or in " + (field.equals("secretEnv") ? "env" : "extraVars") + ", not both"));
            }
        }
    }

    // The job validator names the job's fields; tell the user the step's parameter names instead.
    private static Problem stepProblem(Problem p) {
        return switch (p.field()) {
            case "timeoutSeconds" -> new Problem("timeout", p.value(), p.allowed());
            case "submittedBy" -> new Problem("submittedBy (the build's name and URL)", p.value(), p.allowed());
            default -> p;
        };
    }

    private static void ansibleOnly(List<Problem> problems, String field, String value) {
        if (blankToNull(value) != null) {
            problems.add(new Problem(field, value, "'" + field + "' is for a playbook; remove it or use 'playbook'"));
        }
    }

    private static void agentOnly(List<Problem> problems, String field, String value) {
        if (blankToNull(value) != null) {
            problems.add(new Problem(field, value, "'" + field + "' is used in mode 'agent' only; workers use their own keys"));
        }
    }

    private static Map<String, Object> emptyToNull(Map<String, Object> map) {
        return map == null || map.isEmpty() ? null : map;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
