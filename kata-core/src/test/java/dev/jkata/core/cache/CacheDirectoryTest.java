package dev.jkata.core.cache;

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
}
