package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shared deploy role (ansible-examples/) run by a worker for a job the CLI submitted. */
class DeployRoleThroughQueueTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TempDir
    Path dir;

    @BeforeAll
    static void ansibleIsInstalled() {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
    }

    @Test
    void theRoleDeploysAReleaseAndItsWholeOutputStreamsBack() throws Exception {
        Path examples = Path.of("../ansible-examples").toRealPath();
        Path source = Files.createDirectories(dir.resolve("src"));
        Files.writeString(source.resolve("index.html"), "<h1>shop</h1>\n");
        Path app = dir.resolve("app");
        Path spec = dir.resolve("job.json");
        Files.writeString(spec, """
                {"mode": "ansible", "project": "shop", "playbook": "deploy.yml", "inventory": "inventories/local", "limit": "local",
                 "cwd": "%s", "verbosity": 1, "ref": "v1.0.0", "commit": "0123456789abcdef0123",
                 "extraVars": {"deploy_to": "%s", "deploy_source": "local", "deploy_local_path": "%s",
                               "deploy_build_commands": ["echo built release $(basename $PWD)"], "deploy_keep_releases": 3}}
                """.formatted(examples, app, source));
        try (Deployment deployment = new Deployment(redis.uri())) {
            deployment.worker("w1", 1);
            CliTest.Run r = CliTest.run("submit", "--redis", redis.uri(), "--spec", spec.toString(), "-q");

            assertEquals(ExitCodes.SUCCEEDED, r.exit(), r.out() + r.err());
            List<String> lines = r.outLines();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("TASK [deploy : ")), r.out());
            assertTrue(lines.stream().anyMatch(l -> l.contains("built release")), r.out());
            String recap = lines.stream().filter(l -> l.startsWith("localhost")).reduce((a, b) -> b).orElseThrow();
            assertTrue(recap.matches("localhost\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0.*"), recap);
            Path current = Files.readSymbolicLink(app.resolve("current"));
            assertTrue(current.toString().contains("releases/"), current.toString());
            assertEquals("<h1>shop</h1>\n", Files.readString(app.resolve("current/index.html")));
        }
    }
}
