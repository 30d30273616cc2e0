package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The role's contract: every variable documented in defaults/main.yml, and a consistent version. */
class RoleConventionsTest {

    private static final Path ROLE = Ansible.examplesDir().resolve("roles/deploy");

    @Test
    void everyDefaultHasAComment() throws IOException {
        List<String> lines = Files.readAllLines(ROLE.resolve("defaults/main.yml"));
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = Pattern.compile("^(deploy_\\w+):").matcher(lines.get(i));
            if (m.find() && (i == 0 || !lines.get(i - 1).startsWith("#"))) {
                undocumented.add(m.group(1));
            }
        }
        assertEquals(List.of(), undocumented, "variables in defaults/main.yml without a comment line above them");
    }

    @Test
    void everyVariableTheRoleReadsIsADefaultOrAFactItSets() throws IOException {
        Set<String> defaults = names(Files.readString(ROLE.resolve("defaults/main.yml")), "(?m)^(deploy_\\w+):");
        Set<String> facts = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROLE)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".j2")).toList()) {
                String text = Files.readString(file);
                if (!file.startsWith(ROLE.resolve("defaults"))) {
                    facts.addAll(names(text, "(?m)^\\s+(deploy_\\w+):"));
                }
                used.addAll(names(text, "\\b(deploy_\\w+)\\b"));
            }
        }
        facts.removeAll(defaults);
        used.removeAll(defaults);
        used.removeAll(facts);
        assertEquals(Set.of(), used, "deploy_* variables used by the role but neither defaulted nor set (facts: " + facts + ")");
        // The facts the role sets for hooks and later tasks, as documented in README.md.
        String readme = Files.readString(ROLE.resolve("README.md"));
        for (String fact : facts) {
            assertTrue(readme.contains(fact), fact + " is set by the role but not described in roles/deploy/README.md");
        }
    }

    @Test
    void versionIsSemanticAndHasAChangelogEntry() throws IOException {
        String version = Files.readString(ROLE.resolve("VERSION")).trim();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "VERSION: " + version);
        assertTrue(Files.readString(ROLE.resolve("CHANGELOG.md")).contains("## " + version),
                "CHANGELOG.md has no entry for " + version);
    }

    private static Set<String> names(String text, String regex) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
