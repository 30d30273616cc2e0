package io.deployster.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    private final OutputFiles files = OutputFiles.create();
    @TempDir
    Path elsewhere;

    OutputFilesTest() throws IOException {
    }

    @AfterEach
    void removeTheDirectory() throws IOException {
        files.close();
    }

    @Test
    void aFileGivenBackAsItWasMadeGoesToTheNextJobEmptyAndPrivate() throws IOException {
        Path first = files.take();
        assertEquals(Map.of(), files.readAndGiveBack(first).outputs());

        Path next = files.take();

        assertEquals(first, next);
        assertPrivateAndEmpty(next);
    }

    @Test
    void aFileWithOutputsIsReadThenRemovedAndTheNextJobGetsANewOne() throws IOException {
        Path first = files.take();
        Files.writeString(first, "version=2\n");

        assertEquals(Map.of("version", "2"), files.readAndGiveBack(first).outputs());

        assertFalse(Files.exists(first), "what a job wrote is not left for another to read");
        Path next = files.take();
        assertNotEquals(first, next);
        assertPrivateAndEmpty(next);
    }

    @Test
    void aFileWhoseModeAJobOpenedIsRemovedNotHandedOn() throws IOException {
        Path first = files.take();
        Files.setPosixFilePermissions(first, PosixFilePermissions.fromString("rw-r--r--"));

        files.readAndGiveBack(first);

        assertFalse(Files.exists(first));
        assertPrivateAndEmpty(files.take());
    }

    @Test
    void aFileAJobLinkedElsewhereIsRemovedSoALaterJobsOutputsDoNotShowThere() throws IOException {
        Path first = files.take();
        Path link = Files.createLink(elsewhere.resolve("kept"), first);

        files.readAndGiveBack(first);
        Path next = files.take();
        Files.writeString(next, "token=abc\n");

        assertEquals("", Files.readString(link));
        assertEquals(Map.of("token", "abc"), files.readAndGiveBack(next).outputs());
    }

    @Test
    void aFileReplacedByALinkIsRemovedWithoutTouchingItsTarget() throws IOException {
        Path first = files.take();
        Path target = Files.writeString(elsewhere.resolve("target"), "");
        Files.delete(first);
        Files.createSymbolicLink(first, target);

        assertEquals(Map.of(), files.readAndGiveBack(first).outputs());

        assertFalse(Files.exists(first, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(target));
        assertNotEquals(first, files.take());
    }

    @Test
    void aSpareFileRemovedMeanwhileIsNotHandedOut() throws IOException {
        Path first = files.take();
        files.readAndGiveBack(first);
        Files.delete(first); // a job of the same user, with the directory's name

        Path next = files.take();

        assertPrivateAndEmpty(next);
    }

    @Test
    void afterTheDirectoryWasRemovedTheFilesAreMadeInTheNewOne() throws IOException {
        Path first = files.take();
        files.readAndGiveBack(first);
        Outputs.delete(first.getParent());

        Path next = files.take();

        assertPrivateAndEmpty(next);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next.getParent())));
    }

    private static void assertPrivateAndEmpty(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), file + " is a regular file");
        assertEquals(0, Files.size(file), file + " is empty");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(1, Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
    }
}
