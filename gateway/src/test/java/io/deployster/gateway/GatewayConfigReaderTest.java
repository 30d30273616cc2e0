package io.deployster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A bad gateway.yml stops the gateway at start with the key, the value and what is allowed. */
class GatewayConfigReaderTest {
    private static final String HASH = "a".repeat(64);

    private static String error(String yaml) {
        return assertThrows(GatewayConfigException.class, () -> GatewayConfigReader.parse(yaml, "gateway.yml")).getMessage();
    }

    @Test
    void readsProjectsTokensDefaultsStagesAndRepos() {
        GatewayConfig c = GatewayConfigReader.parse("""
                baseUrl: https://deploy.example.org/
                projects:
                  shop:
                    queue: vps-1
                    tokens: [{name: ci, sha256: %s, scopes: [submit, read]}]
                    defaults: {cd: /var/www/shop, commands: [make deploy]}
                    stages: {main: {env: {ZED: z, APP_ENV: production, API_URL: "https://api"}}}
                    repos: {shop-site: {playbook: deploy.yml}}
                    requireSupervisorRestart: false
                """.formatted(HASH), "gateway.yml");
        assertEquals("https://deploy.example.org", c.baseUrl());
        GatewayConfig.Project p = c.projects().get("shop");
        assertEquals("vps-1", p.queue());
        assertEquals(Set.of(Scope.SUBMIT, Scope.READ), p.tokens().get(0).scopes());
        assertTrue(p.tokens().get(0).allows(Scope.READ));
        assertFalse(p.tokens().get(0).allows(Scope.CANCEL));
        assertEquals("production", p.stages().get("main").env().get("APP_ENV"));
        assertEquals(List.of("ZED", "APP_ENV", "API_URL"), List.copyOf(p.stages().get("main").env().keySet()),
                "the .env file lists a stage's variables in the order the config gives them (docs/protocol.md)");
        assertEquals("deploy_tag", p.repos().get("shop-site").tagVariable());
        assertFalse(p.requireSupervisorRestart());
        assertEquals(1_048_576, c.maxBodyBytes());
    }

    @Test
    void eachMistakeNamesTheKeyTheValueAndWhatIsAllowed() {
        assertEquals("gateway.yml: key 'projects.shop.tokens[0].scopes[1]': value 'write' is not allowed; use submit, read, cancel or admin",
                error("projects: {shop: {tokens: [{name: ci, sha256: %s, scopes: [read, write]}]}}".formatted(HASH)));
        assertTrue(error("projects: {shop: {tokens: [{name: ci, sha256: secret-token, scopes: [read]}]}}")
                .startsWith("gateway.yml: key 'projects.shop.tokens[0].sha256': value 'secret-token' is not allowed; use the 64 hex digits"));
        // YAML reads an unquoted 123 as a number: the error still says what a hash is
        assertEquals("gateway.yml: key 'projects.shop.tokens[0].sha256': value '123' is not allowed; use " + io.deployster.web.TokenHash.RULE
                + "; quote it when it is all digits", error("projects: {shop: {tokens: [{name: ci, sha256: 123, scopes: [read]}]}}"));
        assertEquals("gateway.yml: key 'projects.shop.queue': value 'q/1' is not allowed; use 1 to 100 characters from A-Z a-z 0-9 . _ -",
                error("projects: {shop: {queue: q/1, tokens: [{name: ci, sha256: %s, scopes: [read]}]}}".formatted(HASH)));
        assertEquals("gateway.yml: key 'projects.shop.tokenz': value 'tokenz' is not allowed; use one of the keys defaults, queue, "
                + "repos, requireSupervisorRestart, stages, taskList, tokens", error("projects: {shop: {tokenz: []}}"));
        assertEquals("gateway.yml: key 'projects.shop.defaults.cd': value 'www/shop' is not allowed; use an absolute directory (starting with /)",
                error("projects: {shop: {tokens: [{name: ci, sha256: %s, scopes: [read]}], defaults: {cd: www/shop}}}".formatted(HASH)));
        assertTrue(error("projects: {a: {tokens: [{name: x, sha256: %1$s, scopes: [read]}]}, b: {tokens: [{name: y, sha256: %1$s, scopes: [read]}]}}"
                .formatted(HASH)).contains("key 'projects.b.tokens[0].sha256'"));
        assertEquals("gateway.yml: key 'maxBodyBytes': value '12' is not allowed; use a whole number from 1024 to 67108864",
                error("maxBodyBytes: 12\nprojects: {}"));
        assertTrue(error("projects: [").startsWith("gateway.yml is not valid YAML"));
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRefusedWithItsLine() {
        assertEquals("gateway.yml is not valid YAML: an alias refers to the node that contains it (the node anchored at line 1)",
                error("projects: &p {shop: {queue: q, more: *p}}"));
    }

    @Test
    void readsTheTaskListSettingsAndNamesTheirMistakes() {
        GatewayConfig c = GatewayConfigReader.parse("""
                projects:
                  runner:
                    tokens: [{name: ci, sha256: %s, scopes: [submit]}]
                    taskList:
                      queue: tasks
                      engine: podman
                      cd: /srv/tasks
                      timeoutSeconds: 600
                      images: {"tools:1": [python3, /opt/tools/run.py]}
                """.formatted(HASH), "gateway.yml");
        GatewayConfig.TaskList t = c.projects().get("runner").taskList();
        assertEquals("tasks", t.queue());
        assertEquals("podman", t.engine());
        assertEquals(List.of("python3", "/opt/tools/run.py"), t.images().get("tools:1"));
        assertEquals(600, t.timeoutSeconds());
        String base = "projects: {runner: {tokens: [{name: ci, sha256: %s, scopes: [submit]}], taskList: %s}}";
        assertEquals("gateway.yml: key 'projects.runner.taskList.images.tools:1': value '[]' is not allowed; use at least the program to run",
                error(base.formatted(HASH, "{images: {\"tools:1\": []}}")));
        assertEquals("gateway.yml: key 'projects.runner.taskList.cd': value 'tasks' is not allowed; use an absolute directory (starting with /)",
                error(base.formatted(HASH, "{cd: tasks}")));
        assertEquals("gateway.yml: key 'projects.runner.taskList.image': value 'image' is not allowed; use one of the keys cd, engine, "
                + "images, queue, timeoutSeconds", error(base.formatted(HASH, "{image: x}")));
    }
}
