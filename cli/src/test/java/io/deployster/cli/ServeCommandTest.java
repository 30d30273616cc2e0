package io.deployster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `deployster serve` refuses to start on a bad command line or config, saying what is wrong (exit 2). */
class ServeCommandTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void aBadConfigStopsItAtStartNamingTheKeyTheValueAndWhatIsAllowed() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yml"), "projects: {shop: {tokens: [{name: ci, sha256: "
                + "a".repeat(64) + ", scopes: [deploy]}]}}\n");
        String[] r = run("serve", "--config", config.toString(), "--redis", "redis://127.0.0.1:1");
        assertEquals(Integer.toString(ExitCodes.USAGE), r[0], r[2]);
        assertTrue(r[2].contains("key 'projects.shop.tokens[0].scopes[0]': value 'deploy' is not allowed; use submit, read, cancel or admin"), r[2]);
    }

    @Test
    void aBadOperatorsFileStopsItAtStartNamingTheLineTheFieldAndWhatIsAllowed() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yml"), "projects: {shop: {tokens: [{name: ci, sha256: "
                + "a".repeat(64) + ", scopes: [read]}]}}\n");
        Path operators = Files.writeString(dir.resolve("operators"), "# name role sha256\nalice admin " + "b".repeat(64) + "\n");
        String[] r = run("serve", "--config", config.toString(), "--operators", operators.toString(), "--redis", "redis://127.0.0.1:1");
        assertEquals(Integer.toString(ExitCodes.USAGE), r[0], r[2]);
        assertTrue(r[2].contains(operators + " line 2: role 'admin' is not allowed; use read or operate"), r[2]);
        Files.writeString(operators, "bob read " + "c".repeat(10) + "\n");
        r = run("serve", "--config", config.toString(), "--operators", operators.toString(), "--redis", "redis://127.0.0.1:1");
        assertTrue(r[2].contains(operators + " line 1: hash 'cccccccccc' is not allowed; use the 64 hex digits"), r[2]);
    }

    @Test
    void aMissingConfigOrABadListenAddressIsUsageError() {
        String[] missing = run("serve", "--config", dir.resolve("none.yml").toString());
        assertEquals(Integer.toString(ExitCodes.USAGE), missing[0]);
        assertTrue(missing[2].contains("--config " + dir.resolve("none.yml") + " is not a readable file"), missing[2]);
        String[] listen = run("serve", "--config", dir.toString(), "--listen", "8080");
        assertEquals(Integer.toString(ExitCodes.USAGE), listen[0]);
        assertTrue(listen[2].contains("--listen '8080' is not allowed; use HOST:PORT"), listen[2]);
    }
}
