package dev.jkata.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.qemu.HostUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateRootTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingRootIsCreatedPrivate() throws Exception {
        Path root = StateRoot.prepare(tmp.resolve("a/b/jkata"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
    }

    @Test
    void aRootOthersCanWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
        assertThatThrownBy(() -> StateRoot.prepare(open))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("stateRoot").hasMessageContaining("writable by other users");
        assertThatThrownBy(() -> StateDirectory.create(open, "aaaaaaaaaaaa"))
                .isInstanceOf(InvalidConfigurationException.class);
        try (var entries = Files.list(open)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aSymbolicLinkAsRootIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThatThrownBy(() -> StateRoot.prepare(link))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void aFileAsRootIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> StateRoot.prepare(file))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("not a directory");
    }

    @Test
    void aRootOfAnotherUserIsRefused() throws Exception {
        // Only root can give a directory to another user; anyone else tries root's own /var.
        Path target = HostUser.effectiveUid() == 0 ? Files.createDirectory(tmp.resolve("other")) : Path.of("/var");
        if (HostUser.effectiveUid() == 0) {
            Files.setAttribute(target, "unix:uid", 65534);
        }
        assertThatThrownBy(() -> StateRoot.prepare(target))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("owned by uid");
    }

    @Test
    void aSandboxDirectoryIsPrivateAndHoldsItsLock() throws Exception {
        try (StateDirectory d = StateDirectory.create(tmp.resolve("r"), "0123456789ab")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.path()))).isEqualTo("rwx------");
            assertThat(d.resolve(StateDirectory.LOCK_FILE)).isRegularFile();
            assertThat(d.resolve(StateDirectory.OWNER_FILE)).content().contains("sandbox=0123456789ab");
        }
        assertThatThrownBy(() -> StateDirectory.create(tmp.resolve("r"), "../escape00"))
                .hasMessageContaining("12 hex digits");
    }

    /** N-M4: root never takes its state root from a user's environment; a user only from a private XDG directory. */
    @Test
    void theDefaultRootTrustsXdgOnlyWhenItIsTheUsersOwnAndPrivate() throws Exception {
        Path xdg = Files.createDirectory(tmp.resolve("xdg"));
        Files.setPosixFilePermissions(xdg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(StateRoot.defaultRoot(xdg.toString(), 0)).isEqualTo(Path.of("/run/jkata"));
        int me = HostUser.effectiveUid();
        if (me != 0) {
            assertThat(StateRoot.defaultRoot(xdg.toString(), me)).isEqualTo(xdg.resolve("jkata"));
        }
        assertThat(StateRoot.defaultRoot(xdg.toString(), me + 1)).as("another user's directory").isNotEqualTo(xdg.resolve("jkata"));
        Files.setPosixFilePermissions(xdg, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(StateRoot.defaultRoot(xdg.toString(), me)).as("not private").isNotEqualTo(xdg.resolve("jkata"));
    }

    @Test
    void aRootInsideADirectoryOthersCanWriteIsRefusedUnlessItIsSticky() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> StateRoot.prepare(open.resolve("root")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("other users can write");
        Files.setAttribute(open, "unix:mode", 01777);
        assertThat(StateRoot.prepare(open.resolve("root2"))).isDirectory();
    }
}
