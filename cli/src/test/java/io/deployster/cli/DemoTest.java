package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's first command: the example deploy with a Redis the command starts itself. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoDeploysTheExampleAndExitsWithItsResult() throws Exception {
        CliTest.Run r = CliTest.run("demo", "--spec", Path.of("../examples/demo/deploy.json").toString(), "--dir", dir.toString());

        assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.err());
        Path current = dir.resolve("site/current");
        assertEquals("releases/v1.0.0", Files.readSymbolicLink(current).toString());
        assertTrue(Files.readString(current.resolve("index.html")).contains("Hello from Deployster"));
        assertTrue(r.out().contains("current -> releases/v1.0.0"), r.out());
        assertTrue(r.err().contains("succeeded, exit code 0, worker demo-worker"), r.err());
    }
}
