package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HooksTest {
    @TempDir
    Path dir;

    private Path bundle(String hooks) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"hooks\": " + hooks + "}");
        return dir;
    }

    private ObjectNode state() {
        return Hooks.state("c1", "creating", 42, dir, Map.of("k", "v"));
    }

    @Test
    void aHookGetsTheStateOnStdinOnlyItsEnvAndItsArgsAfterArgv0() throws Exception {
        Path out = dir.resolve("out");
        Hooks h = Hooks.read(bundle("{\"prestart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\","
                + " \"cat > " + out + "; echo >> " + out + "; echo \\\"$ONLY|$HOME\\\" >> " + out + "\"], \"env\": [\"ONLY=this\"]}]}"));
        Hooks.runAll("prestart", h.prestart(), state());
        List<String> lines = Files.readAllLines(out);
        ObjectNode got = (ObjectNode) ContainerDir.JSON.readTree(lines.get(0));
        assertThat(got.path("id").asText()).isEqualTo("c1");
        assertThat(got.path("status").asText()).isEqualTo("creating");
        assertThat(got.path("pid").asLong()).isEqualTo(42);
        assertThat(got.path("bundle").asText()).isEqualTo(dir.toString());
        assertThat(got.path("annotations").path("k").asText()).isEqualTo("v");
        assertThat(lines.get(1)).as("its env and nothing of the runtime's").isEqualTo("this|");
    }

    @Test
    void aFailingOrHangingHookFailsTheCreateWithWhatItSaid() throws Exception {
        Hooks h = Hooks.read(bundle("{\"createRuntime\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo no network; exit 3\"]}],"
                + " \"prestart\": [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"30\"], \"timeout\": 1}]}"));
        assertThatThrownBy(() -> Hooks.runAll("createRuntime", h.createRuntime(), state()))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("exit status 3").hasMessageContaining("no network");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Hooks.runAll("prestart", h.prestart(), state()))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("did not end within 1 s");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        Hooks.runLogged("poststop", h.createRuntime(), state()); // logged, not thrown
    }

    @Test
    void badHooksAreRefusedAndInGuestOnesAreSetAside() throws Exception {
        assertThatThrownBy(() -> Hooks.read(bundle("{\"prestart\": [{\"path\": \"relative/hook\"}]}")))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> Hooks.read(bundle("{\"poststop\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}")))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("timeout");
        Hooks h = Hooks.read(bundle("{\"startContainer\": [{\"path\": \"/bin/true\"}], \"poststart\": [{\"path\": \"/bin/true\"}]}"));
        assertThat(h.inGuest()).hasSize(1);
        assertThat(h.poststart()).hasSize(1);
        assertThat(Hooks.read(bundle("null")).prestart()).isEmpty();
    }
}
