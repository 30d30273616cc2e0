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
 */
public final class AnsibleCommand {
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
            argv.add("--extra-vars=" + JobCodec.toJson(spec.extraVars()));
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
        return vars.isEmpty() ? List.of() : List.of("--extra-vars=" + JobCodec.toJson(vars));
    }
}
