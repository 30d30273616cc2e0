package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static final Path COLLECTION = Ansible.examplesDir().resolve("collection");
    private static final Path ROLE = COLLECTION.resolve("roles/deploy");

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
    void versionLivesOnlyInGalaxyYmlAndHasAChangelogEntry() throws IOException {
        Matcher m = Pattern.compile("(?m)^version: (\\S+)$").matcher(Files.readString(COLLECTION.resolve("galaxy.yml")));
        assertTrue(m.find(), "galaxy.yml has no version line");
        String version = m.group(1);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "galaxy.yml version: " + version);
        assertTrue(Files.readString(COLLECTION.resolve("CHANGELOG.md")).contains("\n## " + version + "\n"),
                "CHANGELOG.md has no entry for " + version);
        assertFalse(Files.exists(ROLE.resolve("VERSION")), "a second copy of the version would drift from galaxy.yml");
    }

    @Test
    void theOldRolePathIsTheCollectionsRole() throws IOException {
        Path old = Ansible.examplesDir().resolve("roles/deploy");
        assertTrue(Files.isSymbolicLink(old), old + " should link to the collection's role, not be a copy");
        assertEquals(ROLE.toRealPath(), old.toRealPath());
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
