package dev.jkata.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.qemu.QemuGuestLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperTest {
    @TempDir
    Path root;

    private static void age(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    @Test
    void theUsersOwnFilesInTheRootAreNeverTouched() throws Exception {
        Path data = Files.createDirectory(root.resolve("my-data"));
        Files.writeString(data.resolve("keep.txt"), "x");
        Path idLike = Files.createDirectory(root.resolve("0123456789ab"));
        Files.writeString(idLike.resolve("thesis.tex"), "y");
        Path legacy = Files.createDirectory(root.resolve("abcdefabcdef"));
        Files.writeString(legacy.resolve("owner.properties"), "pid=1\n");
        Files.writeString(root.resolve("notes.txt"), "z");
        for (Path p : List.of(data, idLike, legacy)) {
            age(p);
        }

        assertThat(Reaper.sweep(root, List.of())).isEmpty();

        assertThat(data.resolve("keep.txt")).hasContent("x");
        assertThat(idLike.resolve("thesis.tex")).hasContent("y");
        assertThat(legacy.resolve("owner.properties")).exists();
        assertThat(root.resolve("notes.txt")).hasContent("z");
    }

    @Test
    void anEmptyIdDirectoryIsRemovedOnlyOnceItIsOld() throws Exception {
        Path fresh = Files.createDirectory(root.resolve("00000000000a"));
        Path old = Files.createDirectory(root.resolve("00000000000b"));
        age(old);
        assertThat(Reaper.sweep(root, List.of())).containsExactly("00000000000b");
        assertThat(fresh).isDirectory();
        assertThat(old).doesNotExist();
    }

    @Test
    void aDirectoryThisJvmOwnsIsKeptAndItsLockStaysHeld() throws Exception {
        try (StateDirectory mine = StateDirectory.create(root, "aaaaaaaaaaaa")) {
            age(mine.path());
            assertThat(Reaper.sweep(root, List.of())).isEmpty();
            assertThat(mine.path()).isDirectory();
            // Another JVM's sweep must still see it held: our own sweep did not open (and so drop) the lock.
            assertThat(sweepInAnotherJvm()).doesNotContain("aaaaaaaaaaaa");
            assertThat(mine.path().resolve(StateDirectory.LOCK_FILE)).exists();
        }
        assertThat(root.resolve("aaaaaaaaaaaa")).doesNotExist();
    }

    @Test
    void aLiveOwnerInAnotherJvmIsNeverReapedWhateverItsClockOrOwnerFileSay() throws Exception {
        Process owner = OwnerProcess.start(root, "bbbbbbbbbbbb");
        try {
            Path dir = root.resolve("bbbbbbbbbbbb");
            // What fooled the old pid + start-time check: a wrong start time, an empty owner file, an old mtime.
            Files.writeString(dir.resolve(StateDirectory.OWNER_FILE), "");
            age(dir);
            assertThat(Reaper.sweep(root, List.of())).isEmpty();
            assertThat(dir.resolve(StateDirectory.LOCK_FILE)).exists();
        } finally {
            owner.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDeadOwnersDirectoryIsRemovedAndItsQemuKilled() throws Exception {
        Path dir = root.resolve("cccccccccccc");
        Path pidFile = dir.resolve("qemu.pid");
        Process qemu = standIn(pidFile);
        Process bystander = standIn(root.resolve("cccccccccccc0").resolve("qemu.pid")); // a prefix match is no match
        try {
            Process owner = OwnerProcess.start(root, "cccccccccccc", Long.toString(qemu.pid()));
            owner.destroyForcibly().waitFor(); // kill -9: no close, the kernel drops the lock

            assertThat(Reaper.sweep(root, List.of(new QemuGuestLauncher()))).containsExactly("cccccccccccc");

            assertThat(dir).doesNotExist();
            assertThat(qemu.waitFor(5, TimeUnit.SECONDS)).as("the abandoned QEMU is killed").isTrue();
            assertThat(bystander.isAlive()).isTrue();
        } finally {
            qemu.destroyForcibly();
            bystander.destroyForcibly();
        }
    }

    @Test
    void sweepsRacingCreatesNeverRemoveALiveDirectory() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> sweepers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    Reaper.sweep(root, List.of());
                }
            });
            t.start();
            sweepers.add(t);
        }
        List<Thread> creators = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t;
            Thread c = new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        String id = String.format("%06x%06x", base, i);
                        try (StateDirectory d = StateDirectory.create(root, id)) {
                            Files.writeString(d.resolve("console.log"), "x");
                            assertThat(d.resolve("console.log")).exists();
                            assertThat(d.resolve(StateDirectory.OWNER_FILE)).exists();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            c.start();
            creators.add(c);
        }
        for (Thread c : creators) {
            c.join();
        }
        stop.set(true);
        for (Thread t : sweepers) {
            t.join();
        }
        assertThat(failures).isEmpty();
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void eachLauncherReapsADeadOwnersDirectoryBeforeItGoesAndALiveOneIsLeftAlone() throws Exception {
        List<Path> asked = new CopyOnWriteArrayList<>();
        GuestLauncher recording = new RecordingLauncher(dir -> {
            assertThat(dir).isDirectory(); // still there: the launcher sees what its guest left
            asked.add(dir);
        });
        GuestLauncher failing = new RecordingLauncher(dir -> {
            throw new IllegalStateException("boom");
        });
        Process owner = OwnerProcess.start(root, "ffffffffffff");
        owner.destroyForcibly().waitFor();
        try (StateDirectory mine = StateDirectory.create(root, "eeeeeeeeeeee")) {
            assertThat(Reaper.sweep(root, List.of(failing, recording))).containsExactly("ffffffffffff");
            assertThat(asked).containsExactly(root.toAbsolutePath().normalize().resolve("ffffffffffff"));
            assertThat(mine.path()).isDirectory();
        }
    }

    /** A launcher that only reaps, the way {@code reap} says. */
    private record RecordingLauncher(java.util.function.Consumer<Path> reap) implements GuestLauncher {
        @Override
        public Path defaultRootfs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Guest launch(GuestRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reapAbandoned(Path runDir) {
            reap.accept(runDir);
        }
    }

    /** A process whose arguments hold {@code -pidfile FILE}, as QEMU's do. */
    private static Process standIn(Path pidFile) throws Exception {
        return new ProcessBuilder("sh", "-c", "sleep 60; true", "qemu", "-pidfile", pidFile.toString()).start();
    }

    /** What a sweep of {@link #root} in a fresh JVM removes (that JVM owns nothing). */
    private List<String> sweepInAnotherJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SweepProcess.class.getName(),
                root.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("reaped ")).map(l -> l.substring(7)).toList();
    }
}
