package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing ansible or supervisor fails the tests with the install command, unless skipping is allowed. */
class RequiredToolsTest {

    @TempDir
    Path tmp;

    @Test
    void missingToolsFailWithTheInstallCommand() {
        Map<String, String> env = Map.of("PATH", tmp.resolve("empty").toString());
        AssertionFailedError error = assertThrows(AssertionFailedError.class, () ->
                RequiredTools.require(env, RequiredTools.ANSIBLE_AND_SUPERVISOR, RequiredTools.ANSIBLE_AND_SUPERVISOR_INSTALL));
        assertTrue(error.getMessage().contains("apt-get install -y ansible supervisor"), error.getMessage());
        assertTrue(error.getMessage().contains("ansible-playbook, supervisord"), error.getMessage());
    }

    @Test
    void missingToolsSkipOnlyWhenAllowed() {
        Map<String, String> env = Map.of("PATH", tmp.resolve("empty").toString(), "DEPLOYSTER_ALLOW_SKIP", "1");
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () ->
                RequiredTools.require(env, RequiredTools.ANSIBLE_AND_SUPERVISOR, RequiredTools.ANSIBLE_AND_SUPERVISOR_INSTALL));
        assertTrue(skipped.getMessage().contains("apt-get install -y ansible supervisor"), skipped.getMessage());

        Map<String, String> otherValue = Map.of("PATH", tmp.resolve("empty").toString(), "DEPLOYSTER_ALLOW_SKIP", "yes");
        assertThrows(AssertionFailedError.class, () ->
                RequiredTools.require(otherValue, RequiredTools.ANSIBLE_AND_SUPERVISOR, RequiredTools.ANSIBLE_AND_SUPERVISOR_INSTALL));
    }

    @Test
    void toolsFoundAsExecutablesOnPath() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("ansible-playbook", "supervisord", "supervisorctl")) {
            Files.writeString(bin.resolve(tool), "#!/bin/sh\n");
            Files.setPosixFilePermissions(bin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(bin.resolve("python3"), "not executable");
        Map<String, String> env = Map.of("PATH", tmp.resolve("nowhere") + ":" + bin);
        assertEquals(List.of("python3"), RequiredTools.missing(env.get("PATH"), RequiredTools.ANSIBLE_AND_SUPERVISOR));
        assertDoesNotThrow(() -> RequiredTools.require(env, List.of("ansible-playbook", "supervisord"), "x"));
    }
}
