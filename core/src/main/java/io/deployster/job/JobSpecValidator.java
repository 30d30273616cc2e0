package io.deployster.job;

import io.deployster.run.DotEnv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Decides whether a spec may be queued or run; the same rules hold for every producer and the worker. */
public final class JobSpecValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final String NAME_RULE = "use 1 to 100 characters from A-Z a-z 0-9 . _ -";
    // the worker sets these for each job (DEPLOYSTER_JOB_ID, DEPLOYSTER_FENCING_TOKEN, DEPLOYSTER_OUTPUT, ...):
    // a job's own env must not replace them (docs/security.md, "The worker's settings stay out of jobs")
    private static final String RESERVED_PREFIX = "DEPLOYSTER_";
    private static final String RESERVED_RULE = "names starting with " + RESERVED_PREFIX + " are set by the worker for each job "
            + "(DEPLOYSTER_JOB_ID, DEPLOYSTER_PROJECT, DEPLOYSTER_FENCING_TOKEN, DEPLOYSTER_OUTPUT, DEPLOYSTER_REF, DEPLOYSTER_COMMIT); "
            + "use another name";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    private static final String TIMEOUT_RULE = "use 1 to " + MAX_TIMEOUT_SECONDS + " seconds, or leave it out for no timeout";
    private static final String VERBOSITY_RULE = "use 0 to 4 (the number of -v flags)";

    private final JobLimits limits;

    public JobSpecValidator(JobLimits limits) {
        this.limits = limits;
    }

    /** What a whole-number field allows: the decoder says it of a value no int holds (1.5, 1e99), as this does of 0. */
    static String wholeNumberRule(String field) {
        return switch (field) {
            case "timeoutSeconds" -> TIMEOUT_RULE;
            case "verbosity" -> VERBOSITY_RULE;
            default -> "use a whole number";
        };
    }

    /** @throws InvalidJobException listing every problem found */
    public void validate(JobSpec spec) {
        validate(spec, JobCodec.specJson(spec));
    }

    /** As {@link #validate(JobSpec)}, when the caller already holds the spec's JSON. */
    public void validate(JobSpec spec, String specJson) {
        List<Problem> problems = new ArrayList<>();
        int bytes = specJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxSpecBytes()) {
            problems.add(new Problem("spec", bytes + " bytes", "a job spec may be at most " + limits.maxSpecBytes() + " bytes of JSON"));
        }
        if (spec.mode() == null) {
            problems.add(new Problem("mode", spec.modeName(), "use 'commands' or 'ansible'"));
        }
        name(problems, "project", spec.project(), true);
        name(problems, "queue", spec.queue(), false);
        line(problems, "ref", spec.ref());
        line(problems, "commit", spec.commit());
        line(problems, "submittedBy", spec.submittedBy());
        name(problems, "workflow", spec.workflow(), false);
        name(problems, "workflowTask", spec.workflowTask(), spec.workflow() != null);
        CallbackUrls.check(problems, "callbackUrl", spec.callbackUrl());
        if (spec.timeoutSeconds() != null && (spec.timeoutSeconds() < 1 || spec.timeoutSeconds() > MAX_TIMEOUT_SECONDS)) {
            problems.add(new Problem("timeoutSeconds", String.valueOf(spec.timeoutSeconds()), TIMEOUT_RULE));
        }
        if (spec.verbosity() != null && (spec.verbosity() < 0 || spec.verbosity() > 4)) {
            problems.add(new Problem("verbosity", String.valueOf(spec.verbosity()), VERBOSITY_RULE));
        }
        if (spec.mode() == Mode.COMMANDS) {
            commandsMode(spec, problems);
        } else if (spec.mode() == Mode.ANSIBLE) {
            ansibleMode(spec, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidJobException(problems);
        }
    }

    private void commandsMode(JobSpec spec, List<Problem> problems) {
        path(problems, "cd", spec.cd(), true);
        List<String> commands = spec.commands();
        if (commands == null || commands.isEmpty()) {
            problems.add(new Problem("commands", null, "give at least one command to run in 'cd'"));
        } else if (commands.size() > limits.maxCommands()) {
            problems.add(new Problem("commands", commands.size() + " commands", "a job may have at most " + limits.maxCommands() + " commands"));
        } else {
            for (int i = 0; i < commands.size(); i++) {
                String c = commands.get(i);
                if (c == null || c.isBlank()) {
                    problems.add(new Problem("commands[" + i + "]", c == null ? null : c, "a command must not be empty"));
                } else if (c.indexOf('\0') >= 0) {
                    // argv strings end at NUL: the shell would run only the part before it
                    problems.add(new Problem("commands[" + i + "]", c, "a command cannot hold NUL (found at character " + (c.indexOf('\0') + 1) + ")"));
                } else {
                    length(problems, "commands[" + i + "]", c);
                }
            }
        }
        Map<String, String> env = spec.env();
        if (env != null) {
            if (env.size() > limits.maxEnvEntries()) {
                problems.add(new Problem("env", env.size() + " entries", "a job may set at most " + limits.maxEnvEntries() + " variables"));
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    problems.add(new Problem("env", e.getKey(), "variable names are a letter or _ followed by letters, digits or _"));
                } else if (reserved(e.getKey())) {
                    problems.add(new Problem("env", e.getKey(), RESERVED_RULE));
                }
                if (e.getValue() == null) {
                    problems.add(new Problem("env." + e.getKey(), null, "give a text value (null is not a value)"));
                } else if (DotEnv.problem(e.getValue()) != null) {
                    problems.add(new Problem("env." + e.getKey(), e.getValue(), DotEnv.problem(e.getValue())));
                } else {
                    length(problems, "env." + e.getKey(), e.getValue());
                }
            }
        }
        secretNames(problems, "secretEnv", spec.secretEnv(), env);
        if (spec.secretEnv() != null) {
            spec.secretEnv().keySet().stream().filter(JobSpecValidator::reserved)
                    .forEach(name -> problems.add(new Problem("secretEnv", name, RESERVED_RULE)));
        }
        forbid(problems, Mode.COMMANDS, "secretExtraVars", spec.secretExtraVars());
        forbid(problems, Mode.COMMANDS, "playbook", spec.playbook());
        forbid(problems, Mode.COMMANDS, "inventory", spec.inventory());
        forbid(problems, Mode.COMMANDS, "limit", spec.limit());
        forbid(problems, Mode.COMMANDS, "tags", spec.tags());
        forbid(problems, Mode.COMMANDS, "extraVars", spec.extraVars());
        forbid(problems, Mode.COMMANDS, "cwd", spec.cwd());
        forbid(problems, Mode.COMMANDS, "check", spec.check());
        forbid(problems, Mode.COMMANDS, "diff", spec.diff());
        forbid(problems, Mode.COMMANDS, "verbosity", spec.verbosity());
    }

    private void ansibleMode(JobSpec spec, List<Problem> problems) {
        path(problems, "playbook", spec.playbook(), false);
        if (spec.playbook() == null || spec.playbook().isBlank()) {
            problems.add(new Problem("playbook", null, "give the playbook file to run"));
        }
        path(problems, "inventory", spec.inventory(), false);
        line(problems, "limit", spec.limit());
        line(problems, "tags", spec.tags());
        path(problems, "cwd", spec.cwd(), true);
        if (spec.extraVars() != null) {
            for (String key : spec.extraVars().keySet()) {
                if (!ENV_NAME.matcher(key).matches()) {
                    problems.add(new Problem("extraVars", key, "Ansible variable names are a letter or _ followed by letters, digits or _"));
                }
            }
        }
        secretNames(problems, "secretExtraVars", spec.secretExtraVars(), spec.extraVars());
        forbid(problems, Mode.ANSIBLE, "secretEnv", spec.secretEnv());
        forbid(problems, Mode.ANSIBLE, "cd", spec.cd());
        forbid(problems, Mode.ANSIBLE, "commands", spec.commands());
        forbid(problems, Mode.ANSIBLE, "env", spec.env());
    }

    private static boolean reserved(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }

    private void secretNames(List<Problem> problems, String field, Map<String, String> secrets, Map<String, ?> plain) {
        if (secrets == null) {
            return;
        }
        if (secrets.size() > limits.maxEnvEntries()) {
            problems.add(new Problem(field, secrets.size() + " entries", "a job may have at most " + limits.maxEnvEntries() + " secrets"));
        }
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            if (e.getValue() == null) {
                problems.add(new Problem(field + "." + e.getKey(), null, "give the sealed value (v1:key:data)"));
            }
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                problems.add(new Problem(field, e.getKey(), "names are a letter or _ followed by letters, digits or _"));
            } else if (plain != null && plain.containsKey(e.getKey())) {
                problems.add(new Problem(field + "." + e.getKey(), "also given in clear", "give a variable either as a secret or in clear, not both"));
            }
            length(problems, field + "." + e.getKey(), e.getValue());
        }
    }

    private static void name(List<Problem> problems, String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                problems.add(new Problem(field, null, NAME_RULE));
            }
        } else if (!NAME.matcher(value).matches()) {
            problems.add(new Problem(field, value, NAME_RULE));
        }
    }

    private void length(List<Problem> problems, String field, String value) {
        if (value != null && value.length() > limits.maxFieldLength()) {
            problems.add(new Problem(field, value.length() + " characters", "at most " + limits.maxFieldLength() + " characters"));
        }
    }

    // These reach the job as an environment variable or an argument, C strings that end at a NUL, so
    // "v1\0x" would silently run as v1; other control characters are no part of a ref, a commit, a
    // name or a host pattern, and would garble the history and the log where they are shown.
    private void line(List<Problem> problems, String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                problems.add(new Problem(field, value, String.format("use one line of text without control characters (found U+%04X at character %d)",
                        (int) value.charAt(i), i + 1)));
                return;
            }
        }
        length(problems, field, value);
    }

    private void path(List<Problem> problems, String field, String value, boolean absolute) {
        if (value == null) {
            if (absolute && field.equals("cd")) {
                problems.add(new Problem(field, null, "give the absolute directory on the deploy host to run the commands in"));
            }
            return;
        }
        if (value.isBlank() || value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0) {
            problems.add(new Problem(field, value, "a path is one non-empty line of text"));
        } else if (absolute && !value.startsWith("/")) {
            problems.add(new Problem(field, value, "use an absolute path (starting with /)"));
        } else {
            length(problems, field, value);
        }
    }

    private static void forbid(List<Problem> problems, Mode mode, String field, Object value) {
        if (value != null) {
            problems.add(new Problem(field, String.valueOf(value), "'" + field + "' is not used in mode '" + mode.wireName() + "'; remove it"));
        }
    }
}
