package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The tools the tests run for real. A missing tool fails the test with the command that installs
 * it; only with DEPLOYSTER_ALLOW_SKIP=1 does it turn into a skipped (aborted) test instead.
 */
final class RequiredTools {

    static final String ALLOW_SKIP = "DEPLOYSTER_ALLOW_SKIP";
    static final List<String> ANSIBLE_AND_SUPERVISOR =
            List.of("ansible-playbook", "supervisord", "supervisorctl", "python3");
    static final String ANSIBLE_AND_SUPERVISOR_INSTALL = "apt-get install -y ansible supervisor";

    private RequiredTools() {}

    /** Fails (or, with DEPLOYSTER_ALLOW_SKIP=1, aborts) unless ansible and supervisor are installed. */
    static void requireAnsibleAndSupervisor() {
        require(System.getenv(), ANSIBLE_AND_SUPERVISOR, ANSIBLE_AND_SUPERVISOR_INSTALL);
    }

    /** Like {@link #requireAnsibleAndSupervisor()}, for other tools with their own install command. */
    static void require(Map<String, String> env, List<String> tools, String installCommand) {
        List<String> missing = missing(env.getOrDefault("PATH", ""), tools);
        if (missing.isEmpty()) {
            return;
        }
        String message = "These tests run the real tools, and " + String.join(", ", missing)
                + (missing.size() == 1 ? " is" : " are") + " not installed (not found on PATH). Install them: "
                + installCommand + " (or set " + ALLOW_SKIP + "=1 to skip these tests instead).";
        if ("1".equals(env.get(ALLOW_SKIP))) {
            Assumptions.abort(message);
        }
        fail(message);
    }

    /** The tools of {@code tools} that are not an executable file in any directory of {@code path}. */
    static List<String> missing(String path, List<String> tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(path, tool).isEmpty()) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** The executable {@code tool} as found on {@code path} (a PATH-style list of directories). */
    static Optional<Path> find(String path, String tool) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The executable {@code tool} on this process's PATH; fails when there is none. */
    static Path onPath(String tool) {
        return find(System.getenv().getOrDefault("PATH", ""), tool)
                .orElseThrow(() -> new AssertionError(tool + " is not on PATH"));
    }
}
