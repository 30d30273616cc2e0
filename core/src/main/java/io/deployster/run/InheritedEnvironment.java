package io.deployster.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a job's processes inherit of the worker's own environment: all of it but the variables named
 * {@value #PREFIX}*. Those configure Deployster itself (the Redis URI with its password, the signing keys,
 * the worker's options, the JVM's), and a job that printed its environment (env, set -x, Ansible's facts,
 * a crash report) would put them in a log every log reader sees. Going by the prefix, not a list of
 * names, keeps a setting added later out as well. The {@value #PREFIX}* variables a job does get are
 * those the worker sets for it (DEPLOYSTER_JOB_ID, DEPLOYSTER_OUTPUT, ...), added after this.
 */
final class InheritedEnvironment {
    static final String PREFIX = "DEPLOYSTER_";

    private InheritedEnvironment() {
    }

    static boolean withheld(String name) {
        return name.startsWith(PREFIX);
    }

    /** {@code env} without the variables a job must not inherit. */
    static Map<String, String> of(Map<String, String> env) {
        Map<String, String> kept = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!withheld(name)) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
