package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployster.deploy collection as application repositories use it: built with ansible-galaxy,
 * installed from the tarball or from a git tag through requirements.yml, used as
 * deployster.deploy.deploy; an application pinned to one version keeps deploying with it while
 * another application on the same host installs the next one.
 */
class CollectionTest {

    private static final String PLAYBOOK = """
            - name: Deploy with the pinned deploy collection
              hosts: app
              gather_facts: false
              roles:
                - role: deployster.deploy.deploy
            """;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
        RequiredTools.require(System.getenv(), List.of("ansible-galaxy", "git"), "apt-get install -y ansible git");
    }

    @Test
    void theBuiltTarballInstallsAndItsRoleDeploysUnderItsFullName() throws Exception {
        String version = Collection.version();
        App app = new App(tmp.resolve("app"));
        Collection.galaxy(tmp, app.env, "collection", "build", Collection.dir().toString(),
                "--output-path", tmp.resolve("dist").toString());
        Path tarball = tmp.resolve("dist/deployster-deploy-" + version + ".tar.gz");
        assertTrue(Files.isRegularFile(tarball), "ansible-galaxy collection build should make " + tarball);

        Collection.galaxy(app.dir, app.env, "collection", "install", tarball.toString());
        assertEquals(version, app.installedVersion());
        app.deploy("r1").assertSucceeded();
        assertEquals(version, app.roleVersionOf("r1"), "the release marker names the collection version that deployed it");
    }

    @Test
    void installsFromAGitTagAndAnAppPinnedToThePreviousVersionDeploysUnchangedAfterTheNextIsInstalled() throws Exception {
        String previous = Collection.version();
        String next = nextMinor(previous);
        Path bare = releasedRepository(previous, next);

        // Application A pins the current version in the "#/path,tag" form; B moves on to the next
        // with a version: line. Each installs into its own collections_path (its ansible.cfg).
        App a = new App(tmp.resolve("app-a"));
        a.requirements("- name: git+file://" + bare + "#/ansible-examples/collection,deploy-" + previous + "\n"
                + "  type: git\n");
        App b = new App(tmp.resolve("app-b"));
        b.requirements("- name: git+file://" + bare + "#/ansible-examples/collection\n"
                + "  type: git\n"
                + "  version: deploy-" + next + "\n");

        Collection.galaxy(a.dir, a.env, "collection", "install", "-r", "requirements.yml");
        assertEquals(previous, a.installedVersion());
        a.deploy("a1").assertSucceeded();
        assertEquals(previous, a.roleVersionOf("a1"));

        Collection.galaxy(b.dir, b.env, "collection", "install", "-r", "requirements.yml");
        assertEquals(next, b.installedVersion());
        b.deploy("b1").assertSucceeded();
        assertEquals(next, b.roleVersionOf("b1"));

        // A's playbook and requirements are untouched: its next deploy still runs the pinned version.
        Ansible.Result a2 = a.deploy("a2").assertSucceeded();
        assertEquals(previous, a.installedVersion());
        assertEquals(previous, a.roleVersionOf("a2"), a2::describe);
        assertEquals("releases/a2", Files.readSymbolicLink(a.deployTo.resolve("current")).toString());
    }

    /**
     * A bare git repository laid out as this project's (the collection in ansible-examples/collection)
     * with two tagged releases: deploy-{previous} as the collection is now, and deploy-{next}, whose
     * galaxy.yml and CHANGELOG.md say {@code next}.
     */
    private Path releasedRepository(String previous, String next) throws IOException {
        Path work = tmp.resolve("repo");
        Path collection = work.resolve("ansible-examples/collection");
        Files.createDirectories(collection);
        Collection.copyTo(collection);
        git(work, "init", "-q");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "deploy collection " + previous);
        git(work, "tag", "deploy-" + previous);

        Path galaxyYml = collection.resolve("galaxy.yml");
        Files.writeString(galaxyYml, Collection.galaxyYmlWithVersion(galaxyYml, next));
        Path changelog = collection.resolve("CHANGELOG.md");
        Files.writeString(changelog, Files.readString(changelog).replaceFirst("\n## ",
                "\n## " + next + "\n\n- A release made by the test; nothing to change when upgrading.\n\n## "));
        git(work, "commit", "-q", "-am", "deploy collection " + next);
        git(work, "tag", "deploy-" + next);

        Path bare = tmp.resolve("deployster.git");
        git(tmp, "clone", "-q", "--bare", work.toString(), bare.toString());
        return bare;
    }

    private static String nextMinor(String version) {
        String[] parts = version.split("\\.");
        return parts[0] + "." + (Integer.parseInt(parts[1]) + 1) + ".0";
    }

    private static void git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Deployster Test",
                "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        Processes.Result r = Processes.run(argv, dir, null, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r::describe);
    }

    /**
     * A directory laid out like an application repository's pipeline/: ansible.cfg with its own
     * collections_path, an inventory, requirements.yml and a playbook using the role by its full name.
     */
    private static final class App {
        final Path dir;
        final Path deployTo;
        final Map<String, String> env;
        private final Ansible ansible;

        App(Path dir) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.deployTo = dir.resolve("deployed");
            Files.writeString(dir.resolve("ansible.cfg"), """
                    [defaults]
                    collections_path = collections
                    retry_files_enabled = False
                    """);
            Files.writeString(dir.resolve("inventory"), """
                    [app]
                    localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"
                    """);
            Files.writeString(dir.resolve("playbook.yml"), PLAYBOOK);
            Path source = Files.createDirectories(dir.resolve("src"));
            Files.writeString(source.resolve("index.html"), "<h1>app</h1>\n");
            this.ansible = new Ansible(dir.resolve("work"));
            Map<String, String> env = new HashMap<>(ansible.environment());
            env.put("ANSIBLE_CONFIG", dir.resolve("ansible.cfg").toString());
            this.env = Map.copyOf(env);
        }

        void requirements(String collectionItem) throws IOException {
            Files.writeString(dir.resolve("requirements.yml"), "collections:\n" + collectionItem.indent(2));
        }

        Ansible.Result deploy(String release) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("deploy_to", deployTo.toString());
            vars.put("deploy_source", "local");
            vars.put("deploy_local_path", dir.resolve("src").toString());
            vars.put("deploy_release_id", release);
            return new Ansible.Result(Processes.run(List.of("ansible-playbook", "-i", "inventory",
                    "-e", ansible.varsFile("vars-" + release, vars), "playbook.yml"), dir, env, Duration.ofMinutes(4)));
        }

        /** The version of deployster.deploy that ansible-galaxy lists in this app's collections_path. */
        String installedVersion() {
            Processes.Result list = Collection.galaxy(dir, env, "collection", "list", Collection.NAME,
                    "-p", dir.resolve("collections").toString());
            Matcher m = Pattern.compile("(?m)^deployster\\.deploy\\s+(\\S+)\\s*$").matcher(list.output());
            assertTrue(m.find(), list::describe);
            return m.group(1);
        }

        /** role_version in the release marker of {@code release}. */
        String roleVersionOf(String release) throws IOException {
            String marker = Files.readString(deployTo.resolve("releases").resolve(release).resolve(".deploy-release.json"));
            Matcher m = Pattern.compile("\"role_version\": \"([^\"]*)\"").matcher(marker);
            assertTrue(m.find(), marker);
            return m.group(1);
        }
    }
}
