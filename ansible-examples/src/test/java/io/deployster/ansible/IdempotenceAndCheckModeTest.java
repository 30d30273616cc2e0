package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-running a deploy changes nothing; --check never touches the disk. */
class IdempotenceAndCheckModeTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
    }

    @Test
    void secondIdenticalRunReportsNoChangeAndCheckModeLeavesTheDiskAlone() throws Exception {
        try (Site site = Site.withSupervisor(tmp)) {
            Map<String, Object> vars = Map.of("deploy_env", Map.of("APP_NAME", "shop"),
                    "deploy_shared_paths", List.of("logs", Map.of("path", "config/settings.ini", "type", "file")));
            Ansible.Result first = site.deploy("r1", vars).assertSucceeded();
            assertTrue(first.changed("localhost") > 0, first::describe);
            site.assertServes("r1");
            long pid = site.supervisor().appPid();
            List<String> before = listing(site.deployTo);

            Ansible.Result second = site.deploy("r1", vars).assertSucceeded();
            assertEquals(0, second.changed("localhost"), () -> "a second identical run should report changed=0; "
                    + second.describe());
            assertTrue(second.output().contains("Release r1 is already complete"), second::describe);
            assertEquals(pid, site.supervisor().appPid(), "the app must not be restarted when nothing switched");
            assertEquals(before, listing(site.deployTo), "nothing on disk changed");

            // A new release in check mode (with --diff): it would fetch, build and switch, but the disk stays as it was.
            Ansible.Result check = site.deploy("r2", vars, "--check", "--diff").assertSucceeded();
            assertTrue(check.changed("localhost") > 0, () -> "check mode should report changes; " + check.describe());
            assertTrue(check.output().contains("Check mode: current would switch from r1 to r2"), check::describe);
            assertEquals(before, listing(site.deployTo), () -> "--check changed the disk; " + check.describe());
            assertEquals(pid, site.supervisor().appPid(), "check mode restarted the app");
            site.assertServes("r1");
        }
    }

    @Test
    void checkModeOnAnEmptyHostCreatesNothing() {
        Site site = Site.withoutRestart(tmp);
        Ansible.Result fresh = site.deploy("r1", Map.of("deploy_env", Map.of("APP_NAME", "shop")), "--check", "--diff")
                .assertSucceeded();
        assertTrue(fresh.changed("localhost") > 0, () -> "check mode should report changes; " + fresh.describe());
        assertTrue(fresh.output().contains("Check mode: release r1 would be fetched from local and built"), fresh::describe);
        assertFalse(Files.exists(site.deployTo, LinkOption.NOFOLLOW_LINKS),
                () -> "--check created " + site.deployTo + "; " + fresh.describe());
    }

    /** Every path below {@code root} with type, mode, size, mtime and link target (links not followed). */
    static List<String> listing(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> {
                try {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    String type = a.isSymbolicLink() ? "link->" + Files.readSymbolicLink(p) : a.isDirectory() ? "dir" : "file";
                    return root.relativize(p) + " " + type + " " + PosixFilePermissions.toString(a.permissions())
                            + " " + (a.isDirectory() ? "" : a.size()) + " " + a.lastModifiedTime().toMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().collect(Collectors.toList());
        }
    }
}
