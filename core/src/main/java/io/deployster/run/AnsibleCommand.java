package io.deployster.run;

import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ansible-playbook argv for an ansible-mode job. An argv list, never a shell string, so no field
 * can inject shell syntax. Shared by the worker and the Jenkins step's agent mode.
 *
 * <p>Every variable Deployster hands to Ansible ({@code deploy_ref}, {@code deploy_commit}, extra vars,
 * secret extra vars) is marked unsafe ({@link #varsJson}): Ansible templates variable values when a play
 * reads them, so a submitted {@code {{ lookup('pipe', ...) }}} would otherwise run on the deploy host.
 */
public final class AnsibleCommand {
    private static final String UNSAFE = "__ansible_unsafe";

    private AnsibleCommand() {
    }

    public static List<String> argv(JobSpec spec) {
        return argv(spec, null);
    }

    /** @param secretVarsFile a private JSON file of secret extra vars, passed as @file; or null */
    public static List<String> argv(JobSpec spec, Path secretVarsFile) {
        List<String> argv = new ArrayList<>();
        argv.add("ansible-playbook");
        if (spec.inventory() != null) {
            argv.add("--inventory=" + spec.inventory());
        }
        if (spec.limit() != null) {
            argv.add("--limit=" + spec.limit());
        }
        if (spec.tags() != null) {
            argv.add("--tags=" + spec.tags());
        }
        if (spec.extraVars() != null && !spec.extraVars().isEmpty()) {
            // JSON keeps types (lists, maps, booleans, numbers) that key=value would flatten
            argv.add("--extra-vars=" + varsJson(spec.extraVars()));
        }
        argv.addAll(deployVars(spec));
        if (secretVarsFile != null) {
            argv.add("--extra-vars=@" + secretVarsFile);
        }
        if (Boolean.TRUE.equals(spec.check())) {
            argv.add("--check");
        }
        if (Boolean.TRUE.equals(spec.diff())) {
            argv.add("--diff");
        }
        if (spec.verbosity() != null && spec.verbosity() > 0) {
            argv.add("-" + "v".repeat(spec.verbosity()));
        }
        argv.add("--");
        argv.add(spec.playbook());
        return argv;
    }

    // The deploy role reads the release from these; explicit extraVars of the same name win.
    private static List<String> deployVars(JobSpec spec) {
        Map<String, Object> vars = new LinkedHashMap<>();
        if (spec.ref() != null) {
            vars.put("deploy_ref", spec.ref());
        }
        if (spec.commit() != null) {
            vars.put("deploy_commit", spec.commit());
        }
        if (spec.extraVars() != null) {
            spec.extraVars().keySet().forEach(vars::remove);
        }
        return vars.isEmpty() ? List.of() : List.of("--extra-vars=" + varsJson(vars));
    }

    /**
     * JSON for {@code --extra-vars} (inline or {@code @file}) whose text Ansible never templates: each
     * value holding text goes inside {@code {"__ansible_unsafe": value}}, which Ansible's JSON decoder
     * turns into the same value with every string in it (map keys too) marked unsafe. Numbers, booleans
     * and nulls stay bare: they cannot hold a template, and the argv stays readable.
     */
    public static String varsJson(Map<String, ?> vars) {
        Map<String, Object> marked = new LinkedHashMap<>();
        vars.forEach((name, value) -> marked.put(name, holdsText(value) ? Map.of(UNSAFE, value) : value));
        return JobCodec.toJson(marked);
    }

    private static boolean holdsText(Object value) {
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(AnsibleCommand::holdsText);
        }
        return value instanceof String;
    }
}
