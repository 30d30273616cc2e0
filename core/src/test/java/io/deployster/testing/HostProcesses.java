package io.deployster.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What a user checks with ps: which processes of a job are still alive on this host. */
public final class HostProcesses {
    private HostProcesses() {
    }

    /**
     * Pids of live (not zombie) processes whose environment holds DEPLOYSTER_JOB_ID={@code jobId}, as
     * every process a job starts does unless it changes it.
     */
    public static List<Long> ofJob(String jobId) {
        byte[] want = ("DEPLOYSTER_JOB_ID=" + jobId).getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && alive(dir) && holds(dir.resolve("environ"), want)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc: " + e, e);
        }
        return pids;
    }

    private static boolean alive(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean holds(Path environ, byte[] want) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException e) {
            return false;
        }
        for (int start = 0, i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == want.length && Arrays.equals(env, start, i, want, 0, want.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
