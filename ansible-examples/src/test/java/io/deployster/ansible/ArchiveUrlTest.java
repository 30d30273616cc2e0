package io.deployster.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build once, deploy the artifact: releases unpacked from tarballs that an HTTP server (the
 * artifact repository) serves, checked against their sha256; a wrong checksum or a missing
 * artifact fails before anything live is touched.
 */
class ArchiveUrlTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        RequiredTools.requireAnsibleAndSupervisor();
        RequiredTools.require(System.getenv(), List.of("tar"), "apt-get install -y tar");
    }

    @Test
    void deploysFromAUrlWithItsChecksumAndAWrongChecksumOrA404ChangesNothingLive() throws Exception {
        Path artifacts = Files.createDirectories(tmp.resolve("artifacts"));
        try (Site site = Site.withSupervisor(tmp);
             FileServer repository = FileServer.serve(artifacts, tmp.resolve("http.log"))) {
            String v1Sum = tarball(site, "v1", artifacts);
            String v2Sum = tarball(site, "v2", artifacts);

            Ansible.Result v1 = site.deploy("v1", archive(repository.url("app-v1.tar.gz"), "sha256:" + v1Sum))
                    .assertSucceeded();
            site.assertCurrent("v1", v1);
            site.assertServes("v1");
            Path release = site.deployTo.resolve("releases/v1");
            String marker = Files.readString(release.resolve(".deploy-release.json"));
            assertTrue(marker.contains("\"source\": \"archive\""), marker);
            assertTrue(marker.contains("\"role_version\": \"" + Collection.version() + "\""),
                    "a checkout's role reads its version from galaxy.yml: " + marker);
            assertFalse(Files.exists(release.resolve(".deploy-archive.download")), "the download is removed once unpacked");
            long pid = site.supervisor().appPid();

            // v2's artifact with v1's checksum: a wrong (or tampered) artifact is never unpacked.
            Ansible.Result wrong = site.deploy("v2", archive(repository.url("app-v2.tar.gz"), "sha256:" + v1Sum))
                    .assertFailed();
            assertTrue(wrong.output().contains("deploy_archive_checksum: the archive " + repository.url("app-v2.tar.gz")
                    + " has sha256 " + v2Sum + ", but deploy_archive_checksum expects " + v1Sum), wrong::describe);
            assertTrue(wrong.output().contains("current still points at release 'v1'"), wrong::describe);
            assertNothingLiveChanged(site, pid, wrong);

            Ansible.Result missing = site.deploy("v3", archive(repository.url("app-v3.tar.gz"), "sha256:" + v2Sum))
                    .assertFailed();
            assertTrue(missing.output().contains("deploy_archive: could not download '" + repository.url("app-v3.tar.gz")
                    + "': HTTP 404"), missing::describe);
            assertNothingLiveChanged(site, pid, missing);

            Ansible.Result badValue = site.deploy("v2", archive(repository.url("app-v2.tar.gz"), "md5:0123"))
                    .assertFailed();
            assertTrue(badValue.output().contains("deploy_archive_checksum must be 'sha256:' followed by the 64 hex digits"
                    + " of the archive's sha256 (as sha256sum prints them), not 'md5:0123'"), badValue::describe);
            assertNothingLiveChanged(site, pid, badValue);

            // The right checksum, given as sha256sum prints it (no prefix, any case), deploys v2.
            Ansible.Result v2 = site.deploy("v2", archive(repository.url("app-v2.tar.gz"), v2Sum.toUpperCase()))
                    .assertSucceeded();
            site.assertCurrent("v2", v2);
            site.assertServes("v2");
        }
    }

    private static void assertNothingLiveChanged(Site site, long pid, Ansible.Result after) {
        site.assertCurrent("v1", after);
        assertEquals(Set.of("v1"), site.releases(), () -> "no release of the failed deploy is left; " + after.describe());
        assertEquals(pid, site.supervisor().appPid(), "the app was not restarted");
        site.assertServes("v1");
    }

    private static Map<String, Object> archive(String url, String checksum) {
        return Map.of("deploy_source", "archive", "deploy_archive", url, "deploy_archive_checksum", checksum);
    }

    /** Packs the release source of {@code id} as artifacts/app-{id}.tar.gz; returns its sha256 (hex). */
    private static String tarball(Site site, String id, Path artifacts) throws IOException {
        Path source = site.source(id);
        Path archive = artifacts.resolve("app-" + id + ".tar.gz");
        Processes.Result tar = Processes.run(List.of("tar", "-czf", archive.toString(), "-C", source.toString(), "."),
                source, null, Duration.ofSeconds(60));
        assertEquals(0, tar.exitCode(), tar::describe);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
