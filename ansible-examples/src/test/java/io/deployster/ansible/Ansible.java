package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real ansible-playbook on the playbooks of this module, against the local inventory,
 * with every ansible temp/home directory inside the test's own directory.
 */
final class Ansible {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    /** The module directory (ansible-examples), where ansible.cfg, the playbooks and roles/ are. */
    static Path examplesDir() {
        String configured = System.getProperty("deployster.ansibleExamplesDir");
        Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        assertTrue(Files.isRegularFile(dir.resolve("ansible.cfg")), "no ansible.cfg in " + dir);
        return dir;
    }

    private final Path examples;
    private final Path work;
    private int runs;

    /** @param work a directory of the test's own for ansible's temp files and home */
    Ansible(Path work) {
        this.examples = examplesDir();
        this.work = work;
        dir(".");
    }

    /** Environment for ansible-playbook: this process's, minus any ANSIBLE_* of the caller, plus ours. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("ANSIBLE_")) {
                env.put(k, v);
            }
        });
        Path tmp = dir("tmp");
        env.put("ANSIBLE_CONFIG", examples.resolve("ansible.cfg").toString());
        env.put("ANSIBLE_HOME", dir("ansible-home").toString());
        env.put("ANSIBLE_LOCAL_TEMP", dir("ansible-local-tmp").toString());
        env.put("ANSIBLE_REMOTE_TEMP", dir("ansible-remote-tmp").toString());
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_FORCE_COLOR", "0");
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
        env.put("ANSIBLE_STDOUT_CALLBACK", "default");
        env.put("ANSIBLE_HOST_KEY_CHECKING", "0");
        env.put("TMPDIR", tmp.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return env;
    }

    /**
     * ansible-playbook -i inventories/local {args...} {playbook}, from the module directory. The
     * output is also kept as run-N.log in the work directory.
     */
    Result playbook(String playbook, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("ansible-playbook", "-i", "inventories/local"));
        argv.addAll(args);
        argv.add(playbook);
        long start = System.nanoTime();
        Result result = new Result(Processes.run(argv, examples, environment(), TIMEOUT));
        try {
            Files.writeString(work.resolve("run-" + (++runs) + ".log"), result.describe()
                    + "\n(" + (System.nanoTime() - start) / 1_000_000 + " ms)\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Writes {@code vars} as a JSON extra-vars file in the work directory; returns "@path" for -e. */
    String varsFile(String name, Map<String, ?> vars) {
        Path file = work.resolve(name + ".json");
        try {
            Files.writeString(file, Json.write(vars));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "@" + file;
    }

    private Path dir(String name) {
        Path dir = work.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A finished ansible-playbook run. */
    record Result(Processes.Result process) {
        private static final Pattern RECAP =
                Pattern.compile("^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)",
                        Pattern.MULTILINE);

        int exitCode() {
            return process.exitCode();
        }

        String output() {
            return process.output();
        }

        String describe() {
            return process.describe();
        }

        /** The changed= count of {@code host} in the PLAY RECAP. */
        int changed(String host) {
            return recap(host, 3);
        }

        /** The failed= count of {@code host} in the PLAY RECAP. */
        int failed(String host) {
            return recap(host, 5);
        }

        private int recap(String host, int group) {
            int recap = output().lastIndexOf("PLAY RECAP");
            assertTrue(recap >= 0, "no PLAY RECAP in the output of " + describe());
            Matcher m = RECAP.matcher(output().substring(recap));
            while (m.find()) {
                if (m.group(1).equals(host)) {
                    return Integer.parseInt(m.group(group));
                }
            }
            throw new AssertionError("no PLAY RECAP line for " + host + " in " + describe());
        }

        /** Asserts the run succeeded (exit 0, nothing failed). */
        Result assertSucceeded() {
            assertEquals(0, exitCode(), () -> "ansible-playbook should succeed; " + describe());
            return this;
        }

        /** Asserts the run failed (non-zero exit). */
        Result assertFailed() {
            assertTrue(exitCode() != 0, () -> "ansible-playbook should fail; " + describe());
            return this;
        }
    }
}
