package dev.jkata.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.spi.SandboxProvider;
import dev.jkata.testkit.contract.SandboxContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-process fake: the shared contract, and its emulation of a container's {@code /}, home and shares. */
class FakeSandboxTest extends SandboxContract {

    @Override
    protected SandboxBuilder builder() {
        return Sandbox.builder().provider(new FakeSandboxProvider(work));
    }

    @Override
    protected Path directoryOf(Sandbox sb) {
        return ((FakeSandbox) sb).directory();
    }

    @Override
    protected Class<? extends SandboxProvider> providerType() {
        return FakeSandboxProvider.class;
    }

    @Test
    void aWorkdirIsUnderTheContainersDirectory() throws Exception {
        String pwd = sandbox.run(ExecSpec.builder("pwd").workdir("/sub/dir").build()).stdout().trim();
        assertThat(Path.of(pwd)).startsWith(directoryOf(sandbox));
    }

    @Test
    void homeIsTheContainersDirectory() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "pwd; echo $HOME").workdir("/sub/dir").build());
        String[] lines = r.stdout().split("\n");
        assertThat(Path.of(lines[0])).startsWith(Path.of(lines[1]));
    }

    @Test
    void aWorkdirCannotClimbOutOfTheContainer() {
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("pwd").workdir("/../..").build()))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void aTimeoutKillsTheCommandsChildrenToo() throws Exception {
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("sh", "-c", "sleep 60 & echo $! > child.pid; wait")
                .timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(KataTimeoutException.class);
        long child = Long.parseLong(sandbox.run("cat", "child.pid").stdout().trim());
        assertThat(gone(child)).as("the background child is gone").isTrue();
    }

    @Test
    void aReadOnlyShareIsACopyAndAWritableShareIsTheHostDirectory(@TempDir Path ro, @TempDir Path rw) throws Exception {
        Files.writeString(ro.resolve("hello.txt"), "from the host\n");
        Path dir;
        try (Sandbox sb = Sandbox.builder().provider(new FakeSandboxProvider(work))
                .share(ro, "/mnt/ro", true).share(rw, "/mnt/rw", false).start()) {
            dir = ((FakeSandbox) sb).directory();
            ExecResult r = sb.run("sh", "-c", "cat mnt/ro/hello.txt; echo changed > mnt/ro/hello.txt; echo new > mnt/rw/new.txt");
            assertThat(r.stdout()).isEqualTo("from the host\n");
            assertThat(ro.resolve("hello.txt")).hasContent("from the host");
            assertThat(rw.resolve("new.txt")).hasContent("new");
        }
        assertThat(rw.resolve("new.txt")).exists();
        assertThat(dir).doesNotExist();
    }
}
