package io.deployster.gateway;

import io.deployster.job.JobSpec;
import io.deployster.job.Mode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** Completes a requested job spec with its project's settings: project, queue, defaults and stage. */
final class SpecDefaults {
    private SpecDefaults() {
    }

    /**
     * @param stage the stage whose variables go to the job's env (and so its {@code .env}); null for none
     * @throws ApiError 403 when the spec names another project or queue, 400 for an unknown stage
     */
    static JobSpec complete(JobSpec requested, Caller caller, String stage) {
        GatewayConfig.Project p = caller.project();
        if (requested.project() != null && !requested.project().equals(p.name())) {
            throw ApiError.of(403, "project", requested.project(), "'" + p.name() + "' (the project of the token), or leave it out",
                    "token '" + caller.token().name() + "' submits for project '" + p.name() + "' only");
        }
        if (requested.queue() != null && !requested.queue().equals(p.queue())) {
            throw ApiError.of(403, "queue", requested.queue(), "'" + p.queue() + "' (the project's queue), or leave it out",
                    "project '" + p.name() + "' deploys through queue '" + p.queue() + "' only");
        }
        GatewayConfig.Defaults d = p.defaults();
        JobSpec.Builder b = requested.toBuilder().project(p.name()).queue(p.queue());
        b.submittedBy(caller.submittedBy(requested.submittedBy(), null));
        if (requested.timeoutSeconds() == null) {
            b.timeoutSeconds(d.timeoutSeconds());
        }
        Mode mode = requested.modeName() != null ? requested.mode() : guess(requested, d);
        if (requested.modeName() == null && mode != null) {
            b.mode(mode);
        }
        if (mode == Mode.COMMANDS) {
            if (requested.cd() == null) {
                b.cd(d.cd());
            }
            if (requested.commands() == null) {
                b.commands(d.commands());
            }
            if (stage != null) {
                Map<String, String> env = new LinkedHashMap<>(stage(p, stage).env());
                if (requested.env() != null) {
                    env.putAll(requested.env());
                }
                b.env(env);
            }
        } else if (mode == Mode.ANSIBLE) {
            if (requested.playbook() == null) {
                b.playbook(d.playbook());
            }
            if (requested.inventory() == null) {
                b.inventory(d.inventory());
            }
            if (requested.cwd() == null) {
                b.cwd(d.cwd());
            }
            if (stage != null) {
                stage(p, stage); // checked; ansible jobs get no .env, so a stage only applies to commands jobs
            }
        }
        return b.build();
    }

    /** The stage named {@code name}. @throws ApiError 400 naming the stages there are */
    static GatewayConfig.Stage stage(GatewayConfig.Project p, String name) {
        GatewayConfig.Stage s = p.stages().get(name);
        if (s == null) {
            throw ApiError.of(400, "stage", name, p.stages().isEmpty() ? "none: project '" + p.name() + "' has no stages"
                    : "one of " + String.join(", ", new TreeSet<>(p.stages().keySet())), "unknown stage");
        }
        return s;
    }

    private static Mode guess(JobSpec r, GatewayConfig.Defaults d) {
        if (r.cd() != null || r.commands() != null || r.env() != null) {
            return Mode.COMMANDS;
        }
        if (r.playbook() != null || r.inventory() != null || r.extraVars() != null) {
            return Mode.ANSIBLE;
        }
        if (d.commands() != null || d.cd() != null) {
            return Mode.COMMANDS;
        }
        return d.playbook() != null ? Mode.ANSIBLE : null;
    }
}
