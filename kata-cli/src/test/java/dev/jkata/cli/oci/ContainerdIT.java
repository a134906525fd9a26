package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.testing.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * containerd (Debian's 1.6) running containers through its runc shim with kata-runtime as the runc binary, in real
 * VMs. The test starts its own containerd on a private socket, root and state directory and stops it at the end;
 * the image comes from a real registry on loopback.
 */
@Timeout(900)
class ContainerdIT {
    static final String NAMESPACE = "jkata-it";
    /** ctr reads /etc/cni/net.d; the CNI test's network is first there while it runs. */
    static final Path CNI_CONF = Path.of("/etc/cni/net.d/00-jkata-ctr-it.conflist");
    static RegistryServer registry;
    static Path home;
    static Process containerd;
    static String image;
    static String shellOnly;
    Set<Long> before;

    static List<String> ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", home.resolve("c.sock").toString(), "--namespace", NAMESPACE));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<String> run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--runtime", "io.containerd.runc.v2", "--runc-binary",
                Engines.RUNTIME.toString()));
        cmd.addAll(List.of(args));
        return ctr(cmd.toArray(String[]::new));
    }

    @BeforeAll
    static void startContainerd() throws Exception {
        registry = RegistryServer.plain();
        home = Files.createTempDirectory("jkata-ctd-it");
        Files.writeString(home.resolve("config.toml"), String.join("\n",
                "version = 2",
                "root = \"" + home.resolve("root") + "\"",
                "state = \"" + home.resolve("state") + "\"",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "[grpc]",
                "  address = \"" + home.resolve("c.sock") + "\"",
                ""));
        containerd = Engines.startContainerd(home);
        image = Engines.pushBusybox(registry);
        Engines.run(ctr("image", "pull", "--plain-http", image), 300).ok();
        shellOnly = Engines.pushShellOnly(registry);
        Engines.run(ctr("image", "pull", "--plain-http", shellOnly), 300).ok();
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        Files.deleteIfExists(CNI_CONF); // the CNI test's, should it not have ended
        if (containerd != null) {
            Engines.endTasks(ContainerdIT::ctr);
            for (String c : Engines.run(ctr("container", "ls", "-q"), 60).out().split("\\s+")) {
                if (!c.isBlank()) {
                    Engines.run(ctr("container", "rm", c), 60);
                }
            }
            Engines.run(ctr("image", "rm", image), 60);
            if (shellOnly != null) {
                Engines.run(ctr("image", "rm", shellOnly), 60);
            }
            containerd.destroy();
            if (!containerd.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor();
            }
        }
        Engines.deleteTree(home);
        Engines.deleteTree(Path.of("/run/containerd/runc", NAMESPACE));
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void snapshot() {
        before = Engines.vmProcesses();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        Engines.assertNoVmLeftBeyond(before);
        assertThat(Engines.entries(Path.of("/run/containerd/runc", NAMESPACE))).as("container state left under the runtime's root")
                .isEmpty();
    }

    @Test
    void ctrRunPrintsTheOutputAndReturnsTheExitStatus() {
        // ctr never ends its stdin FIFO (with runc too), so the container reads a known length
        byte[] input = "through containerd's FIFOs\n".repeat(500).getBytes(StandardCharsets.UTF_8);
        Engines.Result r = Engines.run(run("--rm", image, "ctd-run", "sh", "-c",
                "head -c " + input.length + " | sha256sum; echo to-stderr >&2; exit 4"), input, 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(4);
        assertThat(r.out()).startsWith(PodmanIT.sha256(input) + "  -");
        assertThat(r.err()).contains("to-stderr");
    }

    @Test
    void ctrRunsAnImageWithoutSleepWithItsProcessAsPidOne() {
        Engines.Result r = Engines.run(run("--rm", shellOnly, "ctd-pid1", "sh", "-c", "echo $$; exit 5"), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(5);
        assertThat(r.out()).isEqualTo("1\n");
    }

    @Test
    void containersAnnotatedIntoOnePodShareItsVm() throws Exception {
        Engines.run(run("-d", "--annotation", Pods.CRI_TYPE + "=sandbox", image, "ctd-pod", "sleep", "1000"), 300).ok();
        java.util.Set<Long> withPod = Engines.vmProcesses();
        String boot = Engines.run(ctr("task", "exec", "--exec-id", "boot", "ctd-pod", "cat", "/proc/sys/kernel/random/boot_id"),
                120).ok().out();
        Engines.Result r = Engines.run(run("--rm", "--annotation", Pods.CRI_TYPE + "=container", "--annotation",
                Pods.CRI_SANDBOX + "=ctd-pod", image, "ctd-member", "sh", "-c", "cat /proc/sys/kernel/random/boot_id; exit 6"), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(6);
        assertThat(r.out()).as("the pod's kernel").isEqualTo(boot);
        assertThat(Engines.vmProcesses()).as("the member had no VM of its own").isSubsetOf(withPod);
        Engines.run(ctr("task", "kill", "--signal", "SIGKILL", "ctd-pod"), 60).ok();
        for (int i = 0; i < 100 && !Engines.run(ctr("task", "ls"), 60).out().contains("STOPPED"); i++) {
            Thread.sleep(100);
        }
        Engines.run(ctr("task", "rm", "ctd-pod"), 60).ok();
        Engines.run(ctr("container", "rm", "ctd-pod"), 60).ok();
    }

    /**
     * {@code ctr run --cni}: ctr asks for a fresh network namespace and runs CNI on the task's pid only after create;
     * the daemon's namespace is that one, and the VM, booted at start, joins the bridge's veth: the container has the
     * bridge's address and reaches a server on the host at the bridge's gateway. ctr reads its network from
     * /etc/cni/net.d (the first file), so the test puts its own first there for its duration.
     */
    @Test
    void ctrRunWithCniJoinsTheBridgeNetwork() throws Exception {
        String subnet = "10.216." + java.util.concurrent.ThreadLocalRandom.current().nextInt(20, 220);
        Path conf = CNI_CONF;
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "{\"cniVersion\":\"0.4.0\",\"name\":\"jkata-ctr-it\",\"plugins\":[{\"type\":\"bridge\","
                + "\"bridge\":\"jkctr0\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"" + home.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"" + subnet + ".0/24\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}\n");
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("0.0.0.0", 0), 8);
        server.createContext("/", ex -> {
            byte[] b = "hello-from-the-host".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            Engines.Result r = Engines.run(run("--rm", "--cni", image, "ctd-cni", "sh", "-c", "ip -4 -o addr show dev eth0;"
                    + " printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + subnet + ".1 " + server.getAddress().getPort()), 300);
            assertThat(r.code()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).as("eth0 on the bridge's subnet").containsPattern("eth0 +inet " + subnet.replace(".", "\\.") + "\\.[0-9]+/24");
            assertThat(r.out()).as("the host, at the bridge's gateway").contains("hello-from-the-host");
        } finally {
            server.stop(0);
            Files.deleteIfExists(conf);
            Engines.run(List.of("ip", "link", "del", "jkctr0"), new byte[0], 60);
        }
    }

    @Test
    void killThenDeleteEndTheVm() throws Exception {
        Engines.run(run("-d", image, "ctd-kill", "sleep", "1000"), 300).ok();
        assertThat(Engines.run(ctr("task", "ls"), 60).ok().out()).contains("ctd-kill").contains("RUNNING");
        Engines.run(ctr("task", "kill", "--signal", "SIGKILL", "ctd-kill"), 60).ok();
        for (int i = 0; i < 100 && !Engines.run(ctr("task", "ls"), 60).out().contains("STOPPED"); i++) {
            Thread.sleep(100);
        }
        assertThat(Engines.run(ctr("task", "ls"), 60).ok().out()).contains("STOPPED");
        Engines.run(ctr("task", "rm", "ctd-kill"), 60).ok();
        Engines.run(ctr("container", "rm", "ctd-kill"), 60).ok();
    }
}
