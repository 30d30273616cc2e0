package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobCodec;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every value written to .env reads back exactly, and runs nothing, in a shell, in python-dotenv and in the example app. */
class DotEnvTest {
    @TempDir
    Path dir;

    static Map<String, String> corpus() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ZED", "first, to show the order is kept");
        env.put("BT", "a`touch PWNED`b");
        env.put("SUB", "$(touch PWNED2)");
        env.put("NL", "line1\nline2\n");
        env.put("APOS", "it's");
        env.put("DQ", "say \"hi\"");
        env.put("BS", "back\\slash \\n not a newline");
        env.put("BS2", "two \\\\ backslashes");
        env.put("BSIN", "a \\\" b");
        env.put("DOLLAR", "$HOME ${HOME} $1");
        env.put("HASH", "#not a comment # nor this");
        env.put("SPACES", "  leading and trailing  ");
        env.put("EQ", "a=b=c");
        env.put("EMPTY", "");
        env.put("UNI", "grüße ✓ 😀");
        env.put("TAB", "a\tb");
        env.put("SEMI", "a; touch PWNED3 &");
        env.put("A", "last");
        return env;
    }

    private static String run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", argv));
        return out;
    }

    @Test
    void everyValueRoundTripsThroughAShellAndRunsNothing() throws Exception {
        Map<String, String> env = corpus();
        DotEnv.write(dir.resolve(".env"), env);
        StringBuilder script = new StringBuilder("set -a; . ./.env;");
        env.keySet().forEach(k -> script.append(" printf '%s\\0' \"$").append(k).append('"').append(';'));
        String out = run(dir, "sh", "-c", script.toString());
        List<String> values = new ArrayList<>(List.of(out.split("\0", -1)));
        values.remove(values.size() - 1);
        assertEquals(new ArrayList<>(env.values()), values);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(".env"), files.map(f -> f.getFileName().toString()).toList(), "nothing ran");
        }
        List<String> keys = Files.readString(dir.resolve(".env")).lines().filter(l -> l.matches("^[A-Z0-9]+=.*"))
                .map(l -> l.substring(0, l.indexOf('='))).toList();
        assertEquals(new ArrayList<>(env.keySet()), keys, "the order given");
    }

    @Test
    void everyValueRoundTripsThroughPythonDotenvAndTheExampleAppsReader() throws Exception {
        Tools.require("python3", "apt-get install -y python3 python3-dotenv");
        Map<String, String> env = corpus();
        DotEnv.write(dir.resolve(".env"), env);
        String dotenv = run(dir, "python3", "-c",
                "import json, dotenv; print(json.dumps(dotenv.dotenv_values('.env', interpolate=False)))");
        assertEquals(env, JobCodec.parseValue(dotenv));
        Path server = Path.of("..", "ansible-examples", "sample-apps", "recipes-backend", "server.py").toAbsolutePath().normalize();
        String app = run(dir, "python3", "-c", "import ast, json, os, sys\n"
                + "tree = ast.parse(open(sys.argv[1], encoding='utf-8').read())\n"
                + "fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'read_env']\n"
                + "ns = {'os': os}\n"
                + "exec(compile(ast.Module(body=fn, type_ignores=[]), sys.argv[1], 'exec'), ns)\n"
                + "print(json.dumps(ns['read_env']('.env')))", server.toString());
        assertEquals(env, JobCodec.parseValue(app));
    }

    @Test
    void aValueNoQuotingCanCarryForBothReadersIsRefusedNamingTheVariable() {
        assertNotNull(DotEnv.problem("it's $HOME"));
        assertNotNull(DotEnv.problem("ends with \\"));
        assertNotNull(DotEnv.problem("windows\r\nline"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DotEnv.format(Map.of("Q", "it's `x`")));
        assertTrue(e.getMessage().startsWith("variable Q: a .env value cannot hold both"), e.getMessage());
        assertFalse(e.getMessage().contains("it's"), "the value may be a secret: not in the message");
        InvalidJobException invalid = assertThrows(InvalidJobException.class, () -> new JobSpecValidator(JobLimits.DEFAULT)
                .validate(JobSpec.commands("p", "/srv", List.of("true")).env(Map.of("QUOTED", "it's $HOME")).build()));
        assertTrue(invalid.getMessage().contains("field 'env.QUOTED'"), invalid.getMessage());
    }

    @Test
    void theDeployRolesTemplateWritesTheSameBytes() throws Exception {
        Tools.require("ansible-playbook", "apt-get install -y ansible");
        Path role = Path.of("..", "ansible-examples", "roles", "deploy", "templates", "env.j2").toAbsolutePath().normalize();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("deploy_env", corpus());
        vars.put("deploy_to", dir.toString());
        Files.writeString(dir.resolve("vars.json"), JobCodec.toJson(vars));
        Files.writeString(dir.resolve("play.yml"), "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                + "    - ansible.builtin.template: {src: \"" + role + "\", dest: \"" + dir.resolve("role.env") + "\"}\n");
        run(dir, "ansible-playbook", "-i", "localhost,", "-c", "local", "-e", "@vars.json", "play.yml");
        String rendered = Files.readString(dir.resolve("role.env"));
        String body = rendered.substring(rendered.indexOf('\n') + 1);
        assertEquals(DotEnv.format(corpus()), body);
    }
}
