package dev.jkata.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExecResult;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.spi.SandboxProvider;
import dev.jkata.testkit.contract.SandboxContract;
import dev.jkata.core.guest.AgentChannels;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.sandbox.GuestSandboxProvider;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The fake hypervisor: the shared contract through the real agent client, yamux, proxy and shim against the
 * real agent in this JVM, and that it leaves no socket, thread or directory behind, also when a start fails.
 */
class FakeHypervisorTest extends SandboxContract {

    @Override
    protected SandboxBuilder builder() {
        return Sandbox.builder().provider(new FakeHypervisorProvider()).stateRoot(work);
    }

    @Override
    protected Path directoryOf(Sandbox sb) {
        return work.resolve(sb.id());
    }

    @Override
    protected Class<? extends SandboxProvider> providerType() {
        return FakeHypervisorProvider.class;
    }

    @Test
    void theSandboxTalksToTheRealAgentOverItsSocketsAndTheAgentKeepsBundles() throws Exception {
        Path dir = directoryOf(sandbox);
        assertThat(dir.resolve("agent.sock")).exists();
        assertThat(dir.resolve("proxy.sock")).as("the host reaches the agent inside its JVM").doesNotExist();
        String cid = sandbox.container().id();
        assertThat(dir.resolve("guest/run").resolve(cid).resolve("config.json")).isRegularFile();
        ExecResult r = sandbox.run("sh", "-c", "echo $HOME; pwd");
        // the host's defaults for every process, as in a VM; the working directory is the container's stand-in root
        assertThat(r.stdout().lines()).containsExactly("/root", dir.resolve("guest/run").resolve(cid).resolve("rootfs").toString());
        assertThat(sandbox.bootTime()).isPositive();
    }

    @Test
    void aTerminalIsARealPtyThatTakesTheSize() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "read x; stty size").terminal(true).build())) {
            p.resizeTty(120, 40);
            p.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            p.stdin().flush();
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("go\r\n40 120\r\n");
            assertThat(p.waitFor(Duration.ofSeconds(10)).success()).isTrue();
        }
    }

    @Test
    void closeEndsTheAgentsThreads() throws Exception {
        String id = sandbox.id();
        assertThat(threads("kata-fake-guest-" + id)).hasSize(1);
        sandbox.close();
        assertThat(threadsAfterAWhile("kata-fake-guest-" + id)).isEmpty();
        assertThat(threadsAfterAWhile("agent-rpc-")).isEmpty();
        assertThat(threadsAfterAWhile("agent-netty-")).isEmpty();
    }

    @Test
    void aBadUserFailsBeforeAGuestIsLaunched() {
        sandbox.close();
        AtomicReference<Guest> launched = new AtomicReference<>();
        assertThatThrownBy(() -> Sandbox.builder().provider(provider(launched, false)).stateRoot(work)
                .container(ContainerSpec.builder().user("no-such-user").build()).start())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no-such-user")
                .hasMessageContaining("/etc/passwd does not have");
        assertThat(launched.get()).isNull();
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aStartThatFailsAfterTheLaunchStopsTheGuestAndLeavesNothing() throws Exception {
        sandbox.close();
        AtomicReference<Guest> launched = new AtomicReference<>();
        assertThatThrownBy(() -> Sandbox.builder().provider(provider(launched, true)).stateRoot(work).start())
                .isInstanceOf(KataException.class)
                .satisfies(e -> assertThat(((KataException) e).reason()).isEqualTo(KataErrorReason.AGENT_FAILED))
                .hasMessageContaining("cannot connect to the agent socket");
        assertThat(launched.get()).isNotNull();
        assertThat(launched.get().failure()).as("the guest was stopped").isPresent();
        assertThat(work).isEmptyDirectory();
        assertThat(threadsAfterAWhile("kata-fake-guest-")).isEmpty();
        assertNoChildProcesses();
    }

    /** The fake hypervisor, remembering what it launched; with {@code wrongSocket} its guests name a socket nobody serves. */
    private static GuestSandboxProvider provider(AtomicReference<Guest> launched, boolean wrongSocket) {
        FakeHypervisor fake = new FakeHypervisor();
        GuestLauncher launcher = new GuestLauncher() {
            @Override
            public Path defaultRootfs() {
                return fake.defaultRootfs();
            }

            @Override
            public Guest launch(GuestRequest request) {
                Guest g = fake.launch(request);
                launched.set(g);
                return wrongSocket ? new WrongSocket(g, request.runDir().resolve("nobody.sock")) : g;
            }
        };
        return new GuestSandboxProvider() {
            @Override
            protected GuestLauncher launcher() {
                return launcher;
            }

            @Override
            public boolean isAvailable() {
                return true;
            }

            @Override
            public int priority() {
                return 0;
            }
        };
    }

    /** A guest whose agent socket is somewhere else. */
    private record WrongSocket(Guest real, Path socket) implements Guest {
        @Override public ByteChannel connectAgent() { return AgentChannels.unixSocket(socket); }
        @Override public String sharedRoot() { return real.sharedRoot(); }
        @Override public Duration sinceLaunch() { return real.sinceLaunch(); }
        @Override public Optional<String> failure() { return real.failure(); }
        @Override public String describe() { return real.describe(); }
        @Override public void keepDiagnostics() { real.keepDiagnostics(); }
        @Override public void stop(Duration grace) { real.stop(grace); }
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    /** Threads named {@code prefix...} still alive after up to 5 s (executors and event loops end a moment after shutdown). */
    private static List<String> threadsAfterAWhile(String prefix) throws InterruptedException {
        List<String> left = threads(prefix);
        for (int i = 0; i < 50 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = threads(prefix);
        }
        return left;
    }
}
