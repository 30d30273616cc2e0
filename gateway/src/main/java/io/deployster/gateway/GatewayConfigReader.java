package io.deployster.gateway;

import io.deployster.web.TokenHash;
import io.deployster.workflow.YamlRecursion;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code gateway.yml}. Every mistake is reported at start with the key's path (e.g.
 * {@code projects.shop.tokens[0].scopes[1]}), the value found and what is allowed; unknown keys are
 * mistakes too, so a typo never silently drops a setting.
 */
public final class GatewayConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final String NAME_RULE = "1 to 100 characters from A-Z a-z 0-9 . _ -";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private GatewayConfigReader() {
    }

    /** @throws GatewayConfigException naming the key, the value and what is allowed */
    public static GatewayConfig read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** @throws GatewayConfigException naming the key, the value and what is allowed */
    public static GatewayConfig parse(String yaml, String source) {
        Object root;
        try {
            Yaml loader = new Yaml(new SafeConstructor(new LoaderOptions()));
            String recursion = YamlRecursion.problem(loader.compose(new StringReader(yaml)));
            if (recursion != null) {
                throw new GatewayConfigException(source + " is not valid YAML: " + recursion);
            }
            root = loader.load(yaml);
        } catch (YAMLException e) {
            throw new GatewayConfigException(source + " is not valid YAML: " + e.getMessage());
        }
        Map<String, Object> top = map(root, source, "(top level)", "a mapping with the key 'projects'");
        known(top, source, "", Set.of("baseUrl", "maxBodyBytes", "authFailuresPerMinute", "projects"));
        String baseUrl = string(top, source, "", "baseUrl", false);
        if (baseUrl != null && !baseUrl.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
            throw fail(source, "baseUrl", baseUrl, "an http:// or https:// address such as https://deploy.example.org");
        }
        if (baseUrl != null && baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        long maxBody = integer(top, source, "", "maxBodyBytes", 1_048_576, 1024, 64L * 1024 * 1024);
        int failures = (int) integer(top, source, "", "authFailuresPerMinute", 10, 1, 100_000);
        Map<String, Object> projectsNode = map(top.get("projects"), source, "projects", "a mapping of project names to their settings");
        if (projectsNode.isEmpty()) {
            throw fail(source, "projects", "{}", "at least one project");
        }
        Map<String, GatewayConfig.Project> projects = new LinkedHashMap<>();
        Set<String> hashes = new LinkedHashSet<>();
        for (Map.Entry<String, Object> e : projectsNode.entrySet()) {
            projects.put(e.getKey(), project(e.getKey(), e.getValue(), source, hashes));
        }
        return new GatewayConfig(baseUrl, maxBody, failures, projects);
    }

    private static GatewayConfig.Project project(String name, Object node, String source, Set<String> hashes) {
        String at = "projects." + name;
        if (!NAME.matcher(name).matches()) {
            throw fail(source, at, name, "project names: " + NAME_RULE);
        }
        Map<String, Object> m = map(node, source, at, "a mapping with 'queue' and 'tokens'");
        known(m, source, at, Set.of("queue", "tokens", "defaults", "stages", "repos", "requireSupervisorRestart", "taskList"));
        String queue = string(m, source, at, "queue", false);
        if (queue == null) {
            queue = "deploy";
        } else if (!NAME.matcher(queue).matches()) {
            throw fail(source, at + ".queue", queue, NAME_RULE);
        }
        List<Object> tokenNodes = list(m.get("tokens"), source, at + ".tokens", "a list of tokens, each with name, sha256 and scopes");
        if (tokenNodes.isEmpty()) {
            throw fail(source, at + ".tokens", "[]", "at least one token");
        }
        List<GatewayConfig.Token> tokens = new ArrayList<>();
        for (int i = 0; i < tokenNodes.size(); i++) {
            tokens.add(token(tokenNodes.get(i), source, at + ".tokens[" + i + "]", hashes));
        }
        GatewayConfig.Defaults defaults = m.get("defaults") == null ? GatewayConfig.Defaults.NONE : defaults(m.get("defaults"), source, at + ".defaults");
        Map<String, GatewayConfig.Stage> stages = new LinkedHashMap<>();
        if (m.get("stages") != null) {
            map(m.get("stages"), source, at + ".stages", "a mapping of ref names to {env: {...}}").forEach((stage, v) ->
                    stages.put(stage, stage(v, source, at + ".stages." + stage)));
        }
        Map<String, GatewayConfig.Repo> repos = new LinkedHashMap<>();
        if (m.get("repos") != null) {
            map(m.get("repos"), source, at + ".repos", "a mapping of repository names to {playbook, inventory, cwd, tagVariable}")
                    .forEach((repo, v) -> repos.put(repo, repo(repo, v, source, at + ".repos." + repo)));
        }
        Object restart = m.getOrDefault("requireSupervisorRestart", Boolean.TRUE);
        if (!(restart instanceof Boolean)) {
            throw fail(source, at + ".requireSupervisorRestart", String.valueOf(restart), "true or false");
        }
        GatewayConfig.TaskList taskList = m.get("taskList") == null ? GatewayConfig.TaskList.NONE
                : taskList(m.get("taskList"), source, at + ".taskList");
        return new GatewayConfig.Project(name, queue, tokens, defaults, stages, repos, (Boolean) restart, taskList);
    }

    private static GatewayConfig.Token token(Object node, String source, String at, Set<String> hashes) {
        Map<String, Object> m = map(node, source, at, "a mapping with name, sha256 and scopes");
        known(m, source, at, Set.of("name", "sha256", "scopes"));
        String name = string(m, source, at, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw fail(source, at + ".name", name, NAME_RULE);
        }
        // checked before string(): YAML reads sha256: 123 as a number, and "one line of text" would not say what a hash is
        Object given = m.get("sha256");
        if (!TokenHash.valid(given)) {
            String shown = given == null ? null : String.valueOf(given);
            throw fail(source, at + ".sha256", shown == null || shown.length() <= 12 ? shown : shown.substring(0, 12) + "...",
                    TokenHash.RULE + "; quote it when it is all digits");
        }
        String hash = (String) given;
        if (!hashes.add(hash.toLowerCase())) {
            throw fail(source, at + ".sha256", hash.substring(0, 12) + "...", "a token used once in the whole file (each token belongs to one project)");
        }
        List<Object> scopeNodes = list(m.get("scopes"), source, at + ".scopes", "a list of submit, read, cancel, admin");
        Set<Scope> scopes = new LinkedHashSet<>();
        for (int i = 0; i < scopeNodes.size(); i++) {
            Scope s = Scope.fromWireName(String.valueOf(scopeNodes.get(i)));
            if (s == null) {
                throw fail(source, at + ".scopes[" + i + "]", String.valueOf(scopeNodes.get(i)), "submit, read, cancel or admin");
            }
            scopes.add(s);
        }
        if (scopes.isEmpty()) {
            throw fail(source, at + ".scopes", "[]", "at least one of submit, read, cancel, admin");
        }
        return new GatewayConfig.Token(name, HexFormat.of().parseHex(hash.toLowerCase()), scopes);
    }

    private static GatewayConfig.Defaults defaults(Object node, String source, String at) {
        Map<String, Object> m = map(node, source, at, "a mapping of cd, commands, playbook, inventory, cwd, timeoutSeconds");
        known(m, source, at, Set.of("cd", "commands", "playbook", "inventory", "cwd", "timeoutSeconds"));
        String cd = string(m, source, at, "cd", false);
        if (cd != null && !cd.startsWith("/")) {
            throw fail(source, at + ".cd", cd, "an absolute directory (starting with /)");
        }
        List<String> commands = null;
        if (m.get("commands") != null) {
            commands = new ArrayList<>();
            List<Object> items = list(m.get("commands"), source, at + ".commands", "a list of shell commands");
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof String s) || s.isBlank()) {
                    throw fail(source, at + ".commands[" + i + "]", String.valueOf(items.get(i)), "a non-empty command text");
                }
                commands.add((String) items.get(i));
            }
        }
        Integer timeout = m.get("timeoutSeconds") == null ? null : (int) integer(m, source, at, "timeoutSeconds", 0, 1, 604_800);
        return new GatewayConfig.Defaults(cd, commands, string(m, source, at, "playbook", false), string(m, source, at, "inventory", false),
                string(m, source, at, "cwd", false), timeout);
    }

    private static GatewayConfig.TaskList taskList(Object node, String source, String at) {
        Map<String, Object> m = map(node, source, at, "a mapping of queue, engine, images, cd, timeoutSeconds");
        known(m, source, at, Set.of("queue", "engine", "images", "cd", "timeoutSeconds"));
        String queue = string(m, source, at, "queue", false);
        if (queue != null && !NAME.matcher(queue).matches()) {
            throw fail(source, at + ".queue", queue, NAME_RULE);
        }
        String engine = string(m, source, at, "engine", false);
        if (engine != null && !engine.matches("[A-Za-z0-9._/-]{1,200}")) {
            throw fail(source, at + ".engine", engine, "the container CLI to run, e.g. docker or podman");
        }
        String cd = string(m, source, at, "cd", false);
        if (cd != null && !cd.startsWith("/")) {
            throw fail(source, at + ".cd", cd, "an absolute directory (starting with /)");
        }
        Map<String, List<String>> images = new LinkedHashMap<>();
        if (m.get("images") != null) {
            map(m.get("images"), source, at + ".images", "a mapping of image names to command prefixes (lists of words)").forEach((image, v) -> {
                List<Object> words = list(v, source, at + ".images." + image, "a list of words, e.g. [python3, /opt/tasks/run.py]");
                List<String> prefix = new ArrayList<>();
                for (int i = 0; i < words.size(); i++) {
                    if (!(words.get(i) instanceof String w) || w.isEmpty() || w.contains("\n")) {
                        throw fail(source, at + ".images." + image + "[" + i + "]", String.valueOf(words.get(i)), "one non-empty word");
                    }
                    prefix.add((String) words.get(i));
                }
                if (prefix.isEmpty()) {
                    throw fail(source, at + ".images." + image, "[]", "at least the program to run");
                }
                images.put(image, prefix);
            });
        }
        Integer timeout = m.get("timeoutSeconds") == null ? null : (int) integer(m, source, at, "timeoutSeconds", 0, 1, 604_800);
        return new GatewayConfig.TaskList(queue, engine, images, cd, timeout);
    }

    private static GatewayConfig.Stage stage(Object node, String source, String at) {
        Map<String, Object> m = map(node, source, at, "a mapping with 'env'");
        known(m, source, at, Set.of("env"));
        Map<String, String> env = new LinkedHashMap<>();
        map(m.get("env"), source, at + ".env", "a mapping of variable names to values").forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                throw fail(source, at + ".env." + k, k, "variable names are a letter or _ followed by letters, digits or _");
            }
            if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).contains("\n")) {
                throw fail(source, at + ".env." + k, String.valueOf(v), "one line of text");
            }
            env.put(k, String.valueOf(v));
        });
        return new GatewayConfig.Stage(env);
    }

    private static GatewayConfig.Repo repo(String name, Object node, String source, String at) {
        if (!NAME.matcher(name).matches()) {
            throw fail(source, at, name, "repository names: " + NAME_RULE);
        }
        Map<String, Object> m = map(node, source, at, "a mapping with playbook, inventory, cwd, tagVariable");
        known(m, source, at, Set.of("playbook", "inventory", "cwd", "tagVariable"));
        String tagVariable = string(m, source, at, "tagVariable", false);
        if (tagVariable == null) {
            tagVariable = "deploy_tag";
        } else if (!ENV_NAME.matcher(tagVariable).matches()) {
            throw fail(source, at + ".tagVariable", tagVariable, "an Ansible variable name: a letter or _ followed by letters, digits or _");
        }
        String cwd = string(m, source, at, "cwd", false);
        if (cwd != null && !cwd.startsWith("/")) {
            throw fail(source, at + ".cwd", cwd, "an absolute directory (starting with /)");
        }
        return new GatewayConfig.Repo(string(m, source, at, "playbook", true), string(m, source, at, "inventory", false), cwd, tagVariable);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String source, String at, String allowed) {
        if (!(node instanceof Map)) {
            throw fail(source, at, node == null ? null : String.valueOf(node), allowed);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
            m.put(String.valueOf(e.getKey()), e.getValue());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String source, String at, String allowed) {
        if (!(node instanceof List)) {
            throw fail(source, at, node == null ? null : String.valueOf(node), allowed);
        }
        return (List<Object>) node;
    }

    private static String string(Map<String, Object> m, String source, String at, String key, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                throw fail(source, path(at, key), null, "a text value");
            }
            return null;
        }
        if (!(v instanceof String s) || s.isBlank() || s.contains("\n")) {
            throw fail(source, path(at, key), String.valueOf(v), "one non-empty line of text");
        }
        return (String) v;
    }

    private static long integer(Map<String, Object> m, String source, String at, String key, long dflt, long min, long max) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            throw fail(source, path(at, key), String.valueOf(v), "a whole number from " + min + " to " + max);
        }
        return ((Number) v).longValue();
    }

    private static void known(Map<String, Object> m, String source, String at, Set<String> allowed) {
        for (String key : m.keySet()) {
            if (!allowed.contains(key)) {
                throw fail(source, path(at, key), key, "one of the keys " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private static String path(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }

    private static GatewayConfigException fail(String source, String key, String value, String allowed) {
        return new GatewayConfigException(source + ": key '" + key + "'"
                + (value == null ? " is missing" : ": value '" + value + "' is not allowed") + "; use " + allowed);
    }
}
