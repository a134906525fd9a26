package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N-L11: what kata-runtime writes and runs comes from create, never from files someone swapped in since. */
class LifecycleFilesTest {
    @TempDir
    Path tmp;

    @Test
    void thePidFileIsNeverWrittenThroughALinkPlantedAtAPredictableName() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "precious");
        Files.createSymbolicLink(tmp.resolve(".pid.tmp"), victim); // the name the old code wrote through
        Lifecycle.writePidFile(tmp.resolve("pid"), 4242);
        assertThat(tmp.resolve("pid")).hasContent("4242");
        assertThat(victim).hasContent("precious");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("victim", ".pid.tmp", "pid");
        }
    }

    @Test
    void theHooksRunAtDeleteAreTheOnesSavedAtCreate() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"hooks\": {\"poststop\": [{\"path\": \"/bin/true\"}]}}");
        String saved = Hooks.text(bundle);
        // the bundle is rewritten after create: delete must not run what it says now
        Files.writeString(bundle.resolve("config.json"), "{\"hooks\": {\"poststop\": [{\"path\": \"/bin/evil\"}]}}");
        assertThat(Hooks.parse(saved).poststop()).extracting(h -> h.path()).containsExactly("/bin/true");
        assertThat(Hooks.parse("{}").poststop()).isEmpty();
    }
}
