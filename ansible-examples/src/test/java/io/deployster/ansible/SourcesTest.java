package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Releases fetched from a git repository at a commit, and from a tar.gz archive. */
class SourcesTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
        RequiredTools.require(System.getenv(), List.of("git", "tar"), "apt-get install -y git tar");
    }

    @Test
    void gitRepositoryAtACommitAndTarGzArchive() throws Exception {
        Site site = Site.withoutRestart(tmp);

        // A repository with two commits; the deploy asks for the first one by its sha.
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("release.txt"), "release g1\n");
        git(repo, "add", "release.txt");
        git(repo, "commit", "-q", "-m", "first");
        String first = git(repo, "rev-parse", "HEAD").trim();
        Files.writeString(repo.resolve("release.txt"), "release g2\n");
        git(repo, "commit", "-q", "-am", "second");

        // ref and commit as a worker passes them: deploy_ref and deploy_commit, literal (unsafe) text
        Ansible.Result fromGit = site.deploy("unused", Map.of(
                "deploy_source", "git",
                "deploy_git_repo", repo.toString(),
                "deploy_ref", Json.unsafe("main"),
                "deploy_commit", Json.unsafe(first))).assertSucceeded();
        String gitId = "main-" + first.substring(0, 12);
        site.assertCurrent(gitId, fromGit);
        Path gitRelease = site.deployTo.resolve("releases").resolve(gitId);
        assertEquals("release g1", Files.readString(gitRelease.resolve("release.txt")).trim(), "the requested commit");
        assertFalse(Files.exists(gitRelease.resolve(".git")), "releases carry no .git");
        assertTrue(Files.readString(gitRelease.resolve(".deploy-release.json")).contains(first), "marker names the commit");

        // An archive whose files sit below one top directory, unpacked with strip_components 1.
        Path content = tmp.resolve("archive-src/shop-1.2");
        Files.createDirectories(content);
        Files.writeString(content.resolve("release.txt"), "release a1\n");
        Path archive = tmp.resolve("shop-1.2.tar.gz");
        Processes.Result tar = Processes.run(List.of("tar", "-czf", archive.toString(), "-C",
                content.getParent().toString(), "shop-1.2"), tmp, null, Duration.ofSeconds(60));
        assertEquals(0, tar.exitCode(), tar::describe);

        // A path on the controller, checked against its sha256 there before it is copied over.
        String sha256 = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        Ansible.Result fromArchive = site.deploy("unused", Map.of(
                "deploy_source", "archive",
                "deploy_archive", archive.toString(),
                "deploy_archive_checksum", "sha256:" + sha256,
                "deploy_archive_strip_components", 1,
                "ref", "v1.2")).assertSucceeded();
        site.assertCurrent("v1.2", fromArchive);
        assertEquals("release a1",
                Files.readString(site.deployTo.resolve("releases/v1.2/release.txt")).trim());
        assertEquals(List.of(gitId, "v1.2"), site.history());
    }

    private static String git(Path repo, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Deployster Test",
                "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        Processes.Result r = Processes.run(argv, repo, null, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r::describe);
        return r.output();
    }
}
