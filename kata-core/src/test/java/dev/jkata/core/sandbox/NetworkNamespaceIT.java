package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.jkata.core.netns.JoinedNamespace;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Network;
import dev.jkata.api.Sandbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox joins a network namespace the test makes as a CNI bridge plugin would (a named namespace holding one end
 * of a veth pair, the other end on the host with the gateway's address): the guest has the device's MAC address
 * and address, reaches a server on the host end, answers the host at its address, and leaves the namespace as it
 * found it. Needs root, as the engines that do this do.
 */
@Timeout(600)
class NetworkNamespaceIT {
    @TempDir
    Path stateRoot;

    private String ns;
    private String hostEnd;
    private String subnet;
    private HttpServer server;

    @BeforeEach
    void namespace() {
        String tag = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
                (byte) ThreadLocalRandom.current().nextInt()});
        ns = "jkit-" + tag;
        hostEnd = "jkh" + tag;
        subnet = "10.213." + (ThreadLocalRandom.current().nextInt(200) + 20);
        sh("ip netns add " + ns);
        sh("ip link add " + hostEnd + " type veth peer name eth0 netns " + ns);
        sh("ip addr add " + subnet + ".1/24 dev " + hostEnd + " && ip link set " + hostEnd + " up");
        sh("ip -n " + ns + " link set lo up && ip -n " + ns + " addr add " + subnet + ".2/24 dev eth0"
                + " && ip -n " + ns + " link set eth0 up && ip -n " + ns + " route add default via " + subnet + ".1");
    }

    @AfterEach
    void removeNamespace() {
        if (server != null) {
            server.stop(0);
        }
        run("ip link del " + hostEnd);
        run("ip netns del " + ns);
    }

    @Test
    void theGuestIsTheNamespacesDeviceBothWays() throws Exception {
        String mac = sh("ip netns exec " + ns + " cat /sys/class/net/eth0/address").trim();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(subnet + ".1"), 0), 8);
        server.createContext("/", ex -> {
            byte[] b = "hello from the host end".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        // a memory size of this test's own: its template (built by this start, with NICs on taps of a namespace of the
        // template's own) is this test's, and the sandbox a clone of it
        try (Sandbox sb = Sandbox.builder().network(Network.namespace(Path.of("/run/netns", ns))).memory(MemorySize.ofMiB(528))
                .stateRoot(stateRoot).start()) {
            assertThat(((AgentSandbox) sb).cloned()).as("a clone of the configuration's template").isTrue();
            assertThat(sh("ip netns list")).as("the template's namespace is gone").doesNotContain("jktpl-");
            assertThat(sh("ip -n " + ns + " -o link show")).as("a tap of the sandbox's beside eth0").contains("kt");
            ExecResult links = sb.run("sh", "-c", "cat /sys/class/net/eth0/address; ip -4 -o addr show dev eth0; ip route");
            assertThat(links.stdout()).as(links.stderr()).contains(mac).contains(subnet + ".2/24")
                    .contains("default via " + subnet + ".1");

            ExecResult got = sb.run("sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + subnet + ".1 " + port);
            assertThat(got.stdout()).as("the host end's server, from the guest: %s", got.stderr())
                    .contains("hello from the host end");

            // the other way: the host reaches a server in the guest at the namespace's address
            sb.exec(ExecSpec.builder("sh", "-c", "mkdir -p /tmp/www && echo 'hello from the guest' > /tmp/www/index.html"
                    + " && exec httpd -f -p 8080 -h /tmp/www").build());
            assertThat(fetch(subnet + ".2", 8080)).contains("hello from the guest");
        }
        assertThat(sh("ip -n " + ns + " -o link show")).as("no tap left").doesNotContain("kt");
        assertThat(sh("tc -n " + ns + " qdisc show dev eth0")).as("no mirror left on eth0").doesNotContain("ingress");

        // booted cold, the guest's NIC has the device's MAC from the start
        try (Sandbox cold = Sandbox.builder().network(Network.namespace(Path.of("/run/netns", ns))).template(false)
                .stateRoot(stateRoot).start()) {
            ExecResult got = cold.run("sh", "-c", "cat /sys/class/net/eth0/address; printf 'GET / HTTP/1.0\\r\\n\\r\\n'"
                    + " | nc -w 10 " + subnet + ".1 " + port);
            assertThat(got.stdout()).as(got.stderr()).contains(mac).contains("hello from the host end");
        }
        try (var left = Files.list(stateRoot)) {
            assertThat(left.filter(p -> !p.getFileName().toString().startsWith("."))).as("state left").isEmpty();
        }
    }

    @Test
    void whatCannotBeJoinedIsRefusedBeforeAnyVmAndLeavesNothing() throws Exception {
        Path missing = Path.of("/run/netns/jkit-no-such-namespace");
        assertThatThrownBy(() -> Sandbox.builder().network(Network.namespace(missing)).stateRoot(stateRoot).start())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("network"))
                .hasMessageContaining("does not exist");
        Path notNetns = Files.writeString(stateRoot.resolve("plain-file"), "x");
        assertThatThrownBy(() -> Sandbox.builder().network(Network.namespace(notNetns)).stateRoot(stateRoot).start())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("is not a network namespace");
        Files.delete(notNetns);
        assertThatThrownBy(() -> Network.namespace(Path.of("relative/netns"))).isInstanceOf(InvalidConfigurationException.class);

        // a device nobody configured (down, no address: the kernel's fallback tunnels) is left alone; a configured
        // one of a kind that cannot be mirrored fails the start, naming it
        sh("ip -n " + ns + " link add odd0 type bridge && ip -n " + ns + " addr add 10.9.9.1/24 dev odd0");
        assertThatThrownBy(() -> Sandbox.builder().network(Network.namespace(Path.of("/run/netns", ns))).stateRoot(stateRoot).start())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("odd0").hasMessageContaining("bridge");
        assertThat(sh("ip -n " + ns + " -o link show")).as("no tap left").doesNotContain("kt");
        assertThat(sh("tc -n " + ns + " qdisc show dev eth0")).doesNotContain("ingress");
        sh("ip -n " + ns + " link del odd0");

        // a device another mirror already holds: the start fails after making its tap, which it removes, and the
        // other's ingress qdisc and filter stay
        sh("tc -n " + ns + " qdisc add dev eth0 handle ffff: ingress && tc -n " + ns + " filter add dev eth0 parent ffff:"
                + " protocol all u32 match u8 0 0 action mirred egress redirect dev lo");
        assertThatThrownBy(() -> Sandbox.builder().network(Network.namespace(Path.of("/run/netns", ns))).stateRoot(stateRoot).start())
                .isInstanceOf(dev.jkata.api.KataException.class).hasMessageContaining("already has an ingress qdisc");
        assertThat(sh("ip -n " + ns + " -o link show")).as("its tap removed").doesNotContain("kt");
        assertThat(sh("tc -n " + ns + " filter show dev eth0 ingress")).as("the other mirror kept").contains("Redirect to device lo");
        try (var left = Files.list(stateRoot)) {
            assertThat(left.filter(p -> !p.getFileName().toString().startsWith("."))).as("state left").isEmpty();
        }
    }

    @Test
    void tapsASandboxThatDiedRecordedAreRemovedByTheReaper() throws Exception {
        // what a sandbox had made when its JVM was killed: a tap of ours mirrored to eth0, and the record of both
        String tap = JoinedNamespace.TAP_PREFIX + "0123456789ab0";
        sh("ip -n " + ns + " tuntap add dev " + tap + " mode tap && tc -n " + ns + " qdisc add dev eth0 handle ffff: ingress");
        Path dir = Files.createDirectories(stateRoot.resolve("0123456789ab"));
        Path netns = Path.of("/run/netns", ns);
        String head = "netns " + JoinedNamespace.identity(netns) + " " + netns + "\n";
        Files.writeString(dir.resolve(JoinedNamespace.RECORD), head + "tap " + tap + "\nmirror " + tap + " eth0\n");
        JoinedNamespace.reapLeftovers(dir);
        assertThat(sh("ip -n " + ns + " -o link show")).doesNotContain(tap).contains("eth0");
        assertThat(sh("tc -n " + ns + " qdisc show dev eth0")).doesNotContain("ingress");

        // a record naming what is not ours removes nothing: a foreign tap; a mirror it never recorded as its own; a
        // namespace whose identity is not the one recorded (a /proc/PID path whose PID was reused)
        sh("ip -n " + ns + " tuntap add dev other0 mode tap && tc -n " + ns + " qdisc add dev eth0 handle ffff: ingress");
        Files.writeString(dir.resolve(JoinedNamespace.RECORD), head + "tap other0\ntap " + tap + "\n");
        JoinedNamespace.reapLeftovers(dir);
        assertThat(sh("ip -n " + ns + " -o link show")).contains("other0");
        assertThat(sh("tc -n " + ns + " qdisc show dev eth0")).contains("ingress");
        sh("ip -n " + ns + " tuntap add dev " + tap + " mode tap");
        Files.writeString(dir.resolve(JoinedNamespace.RECORD), "netns 1:2 " + netns + "\ntap " + tap + "\n");
        JoinedNamespace.reapLeftovers(dir);
        assertThat(sh("ip -n " + ns + " -o link show")).contains(tap);
    }

    private static String fetch(String address, int port) throws Exception {
        IOException last = null;
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 5_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing answered on " + address + ":" + port, last);
    }

    private static String sh(String command) {
        ProcessResult r = run(command);
        assertThat(r.code).as("'%s': %s", command, r.err).isZero();
        return r.out;
    }

    private record ProcessResult(int code, String out, String err) {}

    private static ProcessResult run(String command) {
        try {
            Process p = new ProcessBuilder(List.of("sh", "-c", command)).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            return new ProcessResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(command, e);
        }
    }
}
