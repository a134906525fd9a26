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
 * podman (Debian's 4.3, with conmon) running containers through kata-runtime in real VMs: output and exit codes,
 * standard input, stop (TERM, then KILL), kill, rm -f, logs, exec. podman runs on private storage and run
 * directories; the image comes from a real registry on loopback. No QEMU and no daemon is left after any test.
 */
@Timeout(900)
class PodmanIT {
    static RegistryServer registry;
    static Path home;
    static String shellOnly;
    static String image;
    static String pause;
    /** kata-runtime's default root: podman's cleanup process does not pass --runtime-flag, so no other root works. */
    static final Path RUNTIME_ROOT = Path.of("/run/kata-runtime");
    Set<Long> before;
    Set<Path> containersBefore;

    static List<String> podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", home.resolve("storage").toString(),
                "--runroot", home.resolve("run").toString(), "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                "--runtime", Engines.RUNTIME.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @BeforeAll
    static void pullImage() throws Exception {
        registry = RegistryServer.plain();
        home = Files.createTempDirectory("jkata-podman-it");
        image = Engines.pushBusybox(registry);
        Engines.run(podman("pull", "--tls-verify=false", image), 300).ok();
        shellOnly = Engines.pushShellOnly(registry);
        Engines.run(podman("pull", "--tls-verify=false", shellOnly), 300).ok();
        pause = Engines.pushPause(registry);
        Engines.run(podman("pull", "--tls-verify=false", pause), 300).ok();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (home != null) {
            Engines.run(podman("system", "reset", "--force"), 300);
            Engines.deleteTree(home);
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void snapshot() throws Exception {
        before = Engines.vmProcesses();
        containersBefore = Engines.entries(RUNTIME_ROOT);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        Engines.assertNoVmLeftBeyond(before);
        assertThat(Engines.entries(RUNTIME_ROOT)).as("container state left under " + RUNTIME_ROOT)
                .isSubsetOf(containersBefore);
    }

    @Test
    void runPrintsTheOutputAndReturnsTheExitCode() {
        Engines.Result r = Engines.run(podman("run", "--rm", "--network", "none", image, "sh", "-c",
                "echo hi; echo to-stderr >&2; hostname; exit 3"), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(3);
        assertThat(r.out()).startsWith("hi\n");
        assertThat(r.err()).contains("to-stderr");

        // the files podman binds into every container (its /etc/hosts, /etc/hostname, /run/.containerenv) are there
        Engines.Result files = Engines.run(podman("run", "--rm", "--network", "none", "--hostname", "from-podman", image,
                "sh", "-c", "echo $(cat /etc/hostname); test -f /run/.containerenv && echo containerenv"), 300);
        assertThat(files.code()).as("stderr: %s", files.err()).isZero();
        assertThat(files.out()).isEqualTo("from-podman\ncontainerenv\n");

        // rlimits are applied in the guest (this host's own runtime cannot raise RLIMIT_NOFILE)
        Engines.Result limits = Engines.run(podman("run", "--rm", "--network", "none", "--ulimit", "nofile=1234:2345",
                image, "sh", "-c", "ulimit -n; ulimit -Hn"), 300).ok();
        assertThat(limits.out()).isEqualTo("1234\n2345\n");
    }

    @Test
    void theBundlesProcessIsPidOneInAnImageWithoutSleepAndKillEndsItWith137() {
        Engines.Result r = Engines.run(podman("run", "--rm", "--network", "none", shellOnly, "sh", "-c",
                "echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo"), 300); // the last echo: sh does not exec tr
        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).isEqualTo("1\nsh -c echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo \n");

        String id = Engines.run(podman("run", "-d", "--network", "none", image, "sh", "-c",
                "trap '' TERM; echo started; while true; do sleep 1; done"), 300).ok().out().trim();
        awaitLog(id, "started");
        Engines.run(podman("kill", "-s", "KILL", id), 120).ok();
        assertThat(Engines.run(podman("wait", id), 120).ok().out().trim()).isEqualTo("137");
        Engines.run(podman("rm", id), 120).ok();
    }

    @Test
    void theBundlesSecuritySettingsHoldInTheGuest() throws Exception {
        String probe = "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; touch /x 2>&1; echo masked=$(cat /proc/timer_list | wc -c)";
        Engines.Result locked = Engines.run(podman("run", "--rm", "--network", "none", "--cap-drop=all", "--read-only",
                "--security-opt", "no-new-privileges", image, "sh", "-c", probe), 300);
        assertThat(locked.code()).as("stderr: %s", locked.err()).isZero();
        assertThat(locked.out()).contains("CapEff:\t0000000000000000").contains("NoNewPrivs:\t1")
                .contains("Read-only file system").contains("masked=0");

        Path profile = home.resolve("no-mkdir.json");
        Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\","
                + " \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        Engines.Result added = Engines.run(podman("run", "--rm", "--network", "none", "--cap-add=NET_ADMIN",
                "--security-opt", "seccomp=" + profile, image, "sh", "-c",
                "grep CapEff /proc/self/status; mkdir /tmp/d 2>&1; echo mkdir=$?"), 300);
        assertThat(added.code()).as("stderr: %s", added.err()).isZero();
        // podman 4.3's own default set (Docker's without NET_RAW, MKNOD and AUDIT_WRITE) and NET_ADMIN: exactly the bundle's
        assertThat(added.out()).contains("CapEff:\t00000000800415fb").contains("Operation not permitted").contains("mkdir=1");
    }

    @Test
    void standardInputReachesTheContainerWithDashI() {
        byte[] input = "line one\nline two\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Engines.Result r = Engines.run(podman("run", "--rm", "-i", "--network", "none", image, "sha256sum"), input, 300).ok();
        assertThat(r.out()).startsWith(sha256(input) + "  -");
    }

    @Test
    void stopSendsTermThenKillAndLogsKeepTheOutput() {
        String id = Engines.run(podman("run", "-d", "--network", "none", image, "sh", "-c",
                "trap 'echo got TERM; exit 7' TERM; echo started; while true; do sleep 1; done"), 300).ok().out().trim();
        awaitLog(id, "started");
        Engines.run(podman("stop", "-t", "20", id), 120).ok();
        assertThat(Engines.run(podman("inspect", "--format", "{{.State.ExitCode}}", id), 60).ok().out().trim()).isEqualTo("7");
        assertThat(Engines.run(podman("logs", id), 60).ok().out()).contains("started").contains("got TERM");
        Engines.run(podman("rm", id), 120).ok();

        // a process that ignores TERM is killed after the stop timeout
        String stubborn = Engines.run(podman("run", "-d", "--network", "none", image, "sh", "-c",
                "trap '' TERM; echo started; while true; do sleep 1; done"), 300).ok().out().trim();
        awaitLog(stubborn, "started");
        Engines.run(podman("stop", "-t", "2", stubborn), 120).ok();
        assertThat(Engines.run(podman("inspect", "--format", "{{.State.ExitCode}}", stubborn), 60).ok().out().trim())
                .isEqualTo("137");
        Engines.run(podman("rm", stubborn), 120).ok();
    }

    @Test
    void containersAnnotatedIntoOnePodShareItsVm() {
        String sandbox = Engines.run(podman("run", "-d", "--network", "none", "--annotation",
                Pods.CRIO_TYPE + "=sandbox", image, "sleep", "1000"), 300).ok().out().trim();
        Set<Long> withPod = Engines.vmProcesses();
        String boot = Engines.run(podman("exec", sandbox, "cat", "/proc/sys/kernel/random/boot_id"), 120).ok().out();
        Engines.Result r = Engines.run(podman("run", "--rm", "-i", "--network", "none",
                "--annotation", Pods.CRIO_TYPE + "=container", "--annotation", Pods.CRIO_SANDBOX + "=" + sandbox,
                image, "sh", "-c", "cat /proc/sys/kernel/random/boot_id; cat; exit 5"), "in the pod\n".getBytes(), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(5);
        assertThat(r.out()).as("the pod's kernel, and the member's stdin").isEqualTo(boot + "in the pod\n");
        assertThat(Engines.vmProcesses()).as("the member had no VM of its own").isSubsetOf(withPod);
        Engines.run(podman("rm", "-f", sandbox), 120).ok();
    }

    @Test
    void killAndRmForceEndTheVm() {
        String id = Engines.run(podman("run", "-d", "--network", "none", image, "sleep", "1000"), 300).ok().out().trim();
        Engines.run(podman("kill", id), 120).ok();
        Engines.run(podman("wait", id), 120).ok();
        Engines.run(podman("rm", id), 120).ok();

        String other = Engines.run(podman("run", "-d", "--network", "none", image, "sleep", "1000"), 300).ok().out().trim();
        Engines.run(podman("rm", "-f", other), 120).ok();
        assertThat(Engines.run(podman("ps", "-a", "-q"), 60).ok().out().trim()).isEmpty();
    }

    @Test
    void execRunsAnotherProcessWithItsOwnStreamsAndExitCode() {
        String id = Engines.run(podman("run", "-d", "--network", "none", image, "sh", "-c",
                "echo main > /tmp/mark; echo started; sleep 1000"), 300).ok().out().trim();
        awaitLog(id, "started");
        Engines.Result r = Engines.run(podman("exec", id, "sh", "-c", "cat /tmp/mark; echo exec-err >&2; exit 6"), 120);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(6);
        assertThat(r.out()).isEqualTo("main\n");
        assertThat(r.err()).contains("exec-err");
        byte[] input = "to the exec\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
        assertThat(Engines.run(podman("exec", "-i", id, "sha256sum"), input, 120).ok().out()).startsWith(sha256(input));

        // a terminal through the console socket; a detached exec, whose exit podman's monitor reaps
        Engines.Result tty = Engines.run(podman("exec", "-t", id, "sh", "-c", "tty; exit 2"), 120);
        assertThat(tty.code()).as("stderr: %s", tty.err()).isEqualTo(2);
        assertThat(tty.out()).startsWith("/dev/pts/").endsWith("\r\n");
        Engines.run(podman("exec", "-d", id, "sh", "-c", "echo from-detached > /tmp/detached"), 120).ok();
        for (int i = 0; i < 5; i++) {
            assertThat(Engines.run(podman("exec", id, "cat", "/tmp/detached"), 120).ok().out()).isEqualTo("from-detached\n");
        }
        Engines.run(podman("rm", "-f", id), 120).ok();
    }

    /**
     * podman's default CNI bridge: the container has eth0 with podman's address, serves the host at that address and
     * on a published port, and another container on the bridge reaches it by address; removed, it leaves no tap.
     */
    @Test
    void aContainerOnPodmansBridgeAnswersAtItsAddressAndOnAPublishedPort() throws Exception {
        int hostPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        String id = Engines.run(podman("run", "-d", "-p", "127.0.0.1:" + hostPort + ":80", image, "sh", "-c",
                "mkdir -p /www && echo hello-from-kata > /www/index.html && echo serving && exec httpd -f -p 80 -h /www"),
                300).ok().out().trim();
        String netns;
        try {
            awaitLog(id, "serving");
            netns = Engines.run(podman("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", id), 60).ok().out().trim();
            assertThat(inNamespace(netns, "ip", "-o", "link", "show")).as("our tap in podman's namespace")
                    .containsPattern("kt[0-9a-f]{12}[0-9]");
            assertThat(inNamespace(netns, "tc", "qdisc", "show", "dev", "eth0")).as("and the mirror on its eth0").contains("ingress");
            String address = Engines.run(podman("inspect", "--format", "{{.NetworkSettings.IPAddress}}", id), 60).ok().out().trim();
            assertThat(address).as("podman gave the container an address").matches("[0-9.]+");
            Engines.Result eth0 = Engines.run(podman("exec", id, "ip", "-4", "-o", "addr", "show", "dev", "eth0"), 120).ok();
            assertThat(eth0.out()).contains(address + "/");

            assertThat(Engines.httpGet(address, 80)).as("the host reaches the container's address").contains("hello-from-kata");
            assertThat(Engines.httpGet("127.0.0.1", hostPort)).as("podman's published port").contains("hello-from-kata");
            Engines.Result peer = Engines.run(podman("run", "--rm", image, "sh", "-c",
                    "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + address + " 80"), 300);
            assertThat(peer.out()).as("another container on the bridge: %s", peer.err()).contains("hello-from-kata");
        } finally {
            Engines.run(podman("rm", "-f", id), 120).ok();
        }
        if (Files.exists(Path.of(netns))) {
            assertThat(inNamespace(netns, "ip", "-o", "link", "show")).as("no tap left in podman's namespace")
                    .doesNotContainPattern("kt[0-9a-f]{12}[0-9]");
        }
    }

    /** A command's output in the network namespace at {@code netns}. */
    private static String inNamespace(String netns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns, "--"));
        cmd.addAll(List.of(command));
        return Engines.run(cmd, new byte[0], 60).ok().out();
    }

    /**
     * {@code podman pod create}: the infra container boots the pod's VM and joins the pod's network; each member
     * (podman names the infra container as its sandbox) runs in that VM, so the second reaches the first on
     * localhost, and the host reaches it at the pod's address and on the pod's published port.
     */
    @Test
    void aPodsMembersShareItsVmAndReachEachOtherOnLocalhost() throws Exception {
        int hostPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        long qemus = Engines.qemuCount();
        String pod = Engines.run(podman("pod", "create", "--infra-image", pause, "-p", "127.0.0.1:" + hostPort + ":8080"),
                120).ok().out().trim();
        try {
            String first = Engines.run(podman("run", "-d", "--pod", pod, image, "sh", "-c", "mkdir -p /www && echo"
                    + " member-one > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www"), 300).ok().out().trim();
            awaitLog(first, "serving");
            assertThat(Engines.qemuCount()).as("one VM for the pod's infra container and its member").isEqualTo(qemus + 1);
            Engines.Result local = Engines.run(podman("run", "--rm", "--pod", pod, image, "sh", "-c",
                    "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 127.0.0.1 8080"), 300);
            assertThat(local.out()).as("the second member, on localhost: %s", local.err()).contains("member-one");
            String infra = Engines.run(podman("pod", "inspect", pod, "--format", "{{.InfraContainerID}}"), 60).ok().out().trim();
            String address = Engines.run(podman("inspect", "--format", "{{.NetworkSettings.IPAddress}}", infra), 60).ok().out().trim();
            assertThat(Engines.httpGet(address, 8080)).as("the pod's address").contains("member-one");
            assertThat(Engines.httpGet("127.0.0.1", hostPort)).as("the pod's published port").contains("member-one");
        } finally {
            Engines.run(podman("pod", "rm", "-f", pod), 300).ok();
        }
    }

    @Test
    void pauseFreezesTheVmAndUnpauseLetsItRun() {
        String id = Engines.run(podman("run", "-d", "--network", "none", image, "sleep", "1000"), 300).ok().out().trim();
        Engines.run(podman("pause", id), 120).ok();
        assertThat(Engines.run(podman("inspect", "--format", "{{.State.Status}}", id), 60).ok().out().trim()).isEqualTo("paused");
        Engines.run(podman("unpause", id), 120).ok();
        assertThat(Engines.run(podman("exec", id, "echo", "awake"), 120).ok().out()).isEqualTo("awake\n");
        Engines.run(podman("pause", id), 120).ok();
        Engines.run(podman("rm", "-f", id), 120).ok(); // a paused container is removed too
    }

    @Test
    void runWithATerminalGivesTheContainerOne() {
        Engines.Result r = Engines.run(podman("run", "--rm", "-t", "--network", "none", image, "sh", "-c", "tty; exit 2"), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.out()).startsWith("/dev/pts/");
    }

    private static void awaitLog(String id, String text) {
        for (int i = 0; i < 300; i++) {
            if (Engines.run(podman("logs", id), 60).out().contains(text)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("container " + id + " never logged '" + text + "'");
    }

    static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
