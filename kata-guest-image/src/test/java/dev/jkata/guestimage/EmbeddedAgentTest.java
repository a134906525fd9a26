package dev.jkata.guestimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.guestimage.cache.CacheDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedAgentTest {
    @TempDir
    Path cacheRoot;

    @Test
    void theEmbeddedAgentIsCachedOncePerContentNotOncePerJvmStart() throws Exception {
        CacheDirectory cache = new CacheDirectory(cacheRoot);
        Path first = GuestImageBuilder.embeddedAgent(cache);
        // A second JVM starts with an empty memory of what it found: a new CacheDirectory stands in for it.
        Path second = GuestImageBuilder.embeddedAgent(new CacheDirectory(cacheRoot));
        assertThat(second).isEqualTo(first);
        assertThat(Files.size(first)).isPositive();
        try (var entries = Files.list(cacheRoot.resolve("agents"))) {
            assertThat(entries.filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(1);
        }
    }
}
