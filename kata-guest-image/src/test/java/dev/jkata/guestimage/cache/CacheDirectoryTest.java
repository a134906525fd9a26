package dev.jkata.guestimage.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void buildsOnceAndThenHits() {
        CacheDirectory cache = new CacheDirectory(dir);
        AtomicInteger builds = new AtomicInteger();
        Path a = cache.getOrBuild("k", "key1", into -> {
            builds.incrementAndGet();
            Files.writeString(into.resolve("f"), "v");
        });
        Path b = cache.getOrBuild("k", "key1", into -> builds.incrementAndGet());
        assertThat(a).isEqualTo(b);
        assertThat(builds).hasValue(1);
        assertThat(a.resolve("f")).hasContent("v");
    }

    @Test
    void concurrentCallersShareOneBuild() {
        CacheDirectory cache = new CacheDirectory(dir);
        AtomicInteger builds = new AtomicInteger();
        List<CompletableFuture<Path>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(CompletableFuture.supplyAsync(() -> cache.getOrBuild("k", "shared", into -> {
                builds.incrementAndGet();
                Files.writeString(into.resolve("f"), "v");
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
        }
        all.forEach(CompletableFuture::join);
        assertThat(builds).hasValue(1);
    }

    @Test
    void aFailedBuildLeavesNothingHalfWritten() throws IOException {
        CacheDirectory cache = new CacheDirectory(dir);
        assertThatThrownBy(() -> cache.getOrBuild("k", "broken", into -> {
            Files.writeString(into.resolve("half"), "x");
            throw new IOException("No space left on device");
        })).hasMessageContaining("disk is full");
        assertThat(cache.lookup("k", "broken")).isEmpty();
        try (Stream<Path> s = Files.list(dir.resolve("k"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test
    void digestsDifferWhenAnyInputDiffers() {
        assertThat(Digest.start("x").add("a", "1").hex()).isNotEqualTo(Digest.start("x").add("a", "2").hex());
        assertThat(Digest.start("x").add("a", "1").hex()).isEqualTo(Digest.start("x").add("a", "1").hex());
        assertThat(Digest.start("x").add("ab", "").hex()).isNotEqualTo(Digest.start("x").add("a", "b").hex());
    }

    @Test
    void waitingForAnotherProcesssBuildEndsAtTheTimeoutWithATypedError() throws Exception {
        Path kind = java.nio.file.Files.createDirectories(dir.resolve("k"));
        Path lockFile = kind.resolve(".held.lock");
        // a POSIX record lock held by another process, as another JVM's build would hold it
        Process holder = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl,sys,time\n"
                + "f=open(sys.argv[1],'w')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(60)",
                lockFile.toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(6))).isEqualTo("locked");
            CacheDirectory cache = new CacheDirectory(dir, java.time.Duration.ofMillis(500));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> cache.getOrBuild("k", "held", into -> { }))
                    .isInstanceOfSatisfying(dev.jkata.api.KataException.class,
                            e -> assertThat(e.reason()).isEqualTo(dev.jkata.api.KataErrorReason.TIMEOUT))
                    .hasMessageContaining("another jkata process").hasMessageContaining("kata.cache.lockTimeout");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertThat(new CacheDirectory(dir).getOrBuild("k", "held", into -> java.nio.file.Files.writeString(into.resolve("f"), "v"))
                .resolve("f")).hasContent("v");
    }

    @Test
    void waitingForAnotherThreadsBuildCanBeInterrupted() throws Exception {
        CacheDirectory cache = new CacheDirectory(dir);
        java.util.concurrent.CountDownLatch building = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> cache.getOrBuild("k", "slow", into -> {
            building.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        building.await();
        java.util.concurrent.atomic.AtomicReference<Throwable> second = new java.util.concurrent.atomic.AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                cache.getOrBuild("k", "slow", into -> { });
            } catch (Throwable t) {
                second.set(t);
            }
        });
        waiter.start();
        Thread.sleep(200);
        waiter.interrupt();
        waiter.join(5_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(second.get()).isInstanceOf(dev.jkata.api.KataException.class).hasMessageContaining("interrupted");
        release.countDown();
        assertThat(first.join()).isDirectory();
    }

    @Test
    void scratchLeftByADeadBuildIsSwept() throws Exception {
        Path kind = java.nio.file.Files.createDirectories(dir.resolve("k"));
        Path old = java.nio.file.Files.createDirectories(kind.resolve(".scratch-12345"));
        java.nio.file.Files.writeString(old.resolve("x"), "left by a kernel fetch that died");
        java.nio.file.Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(1))));
        Path young = java.nio.file.Files.createDirectories(kind.resolve(".scratch-67890"));
        new CacheDirectory(dir).getOrBuild("k", "other", into -> { });
        assertThat(old).doesNotExist();
        assertThat(young).as("a live build's scratch").isDirectory();
    }

    @Test
    void aYoungBuildLeftByADeadProcessIsSweptAtOnceButALiveOnesStays() throws Exception {
        Path kind = Files.createDirectories(dir.resolve("k"));
        String deadKey = "aaaaaaaaaaaaaaaa", liveKey = "bbbbbbbbbbbbbbbb";
        Files.createFile(kind.resolve("." + deadKey + ".lock"));
        Path dead = Files.createDirectories(kind.resolve(".tmp-aaaaaaaaaaaa-1"));
        Files.writeString(dead.resolve("ram"), "a killed template build's memory");
        Path liveLock = kind.resolve("." + liveKey + ".lock");
        Path live = Files.createDirectories(kind.resolve(".tmp-bbbbbbbbbbbb-2"));
        Process holder = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl,sys,time\n"
                + "f=open(sys.argv[1],'w')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(60)",
                liveLock.toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(6))).isEqualTo("locked");
            new CacheDirectory(dir).getOrBuild("k", "other", into -> { });
            assertThat(dead).as("the dead build's directory").doesNotExist();
            assertThat(live).as("a build another process still runs").isDirectory();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /**
     * N-M2: a second build in this JVM sweeps stale build directories; probing the first build's lock must not drop it
     * (closing any descriptor of a file drops the process's POSIX lock on it), or another JVM builds the same entry.
     */
    @Test
    void sweepingDuringABuildOfThisJvmKeepsThatBuildsLock() throws Exception {
        CacheDirectory cache = new CacheDirectory(dir);
        java.util.concurrent.CountDownLatch building = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        String key = "a".repeat(64);
        CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> cache.getOrBuild("k", key, into -> {
            building.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertThat(building.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            cache.getOrBuild("k", "b".repeat(64), into -> Files.writeString(into.resolve("f"), "v")); // sweeps
            assertThat(lockedByAnotherProcess(dir.resolve("k").resolve("." + key + ".lock")))
                    .as("the first build's lock, seen from another process").isTrue();
        } finally {
            finish.countDown();
            first.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Whether another process cannot take {@code lockFile}'s lock: a child JVM tries. */
    private boolean lockedByAnotherProcess(Path lockFile) throws Exception {
        Path probe = dir.resolve("Probe.java");
        Files.writeString(probe, "import java.nio.channels.FileChannel; import java.nio.file.*;"
                + " public class Probe { public static void main(String[] a) throws Exception {"
                + " try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {"
                + " System.exit(c.tryLock() == null ? 3 : 0); } } }");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                probe.toString(), lockFile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        assertThat(code).as("the probe: %s", out).isIn(0, 3);
        return code == 3;
    }

    /** N-M5: a cache others can write, or another user's, is refused before any entry of it is trusted. */
    @Test
    void aCacheOthersCanWriteOrAnotherUsersIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new CacheDirectory(open).lookup("templates", "x"))
                .isInstanceOf(dev.jkata.api.InvalidConfigurationException.class).hasMessageContaining("written by other users");
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (me == 0) {
            Path foreign = Files.createDirectory(dir.resolve("foreign"));
            Files.setAttribute(foreign, "unix:uid", 65534);
            assertThatThrownBy(() -> new CacheDirectory(foreign).lookup("templates", "x"))
                    .isInstanceOf(dev.jkata.api.InvalidConfigurationException.class).hasMessageContaining("uid 65534");
        }
        assertThat(new CacheDirectory(dir.resolve("mine")).lookup("templates", "x")).as("a cache not made yet").isEmpty();
    }
}
