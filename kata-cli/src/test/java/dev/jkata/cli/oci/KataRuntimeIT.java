package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * kata-runtime driven as an engine drives it, without one, in real VMs: the lifecycle and its state JSON, and the
 * failures the issue names: the daemon killed with SIGKILL (its QEMU goes with it), the create call killed half
 * way (delete --force cleans up).
 */
@Timeout(900)
class KataRuntimeIT {
    static Path home;
    static Path bundle;
    /** The same root file system, with a process that runs until it is killed. */
    static Path sleeper;
    /** A pod: its sandbox container (the sleeper, annotated as CRI-O annotates a pod's sandbox)... */
    static Path podSandbox;
    /** ...and a container that joins it, on a root file system of its own (with /marker). */
    static Path podMember;
    Path root;
    Set<Long> before;

    @BeforeAll
    static void makeBundle() throws Exception {
        home = Files.createTempDirectory("jkata-krt-it");
        bundle = home.resolve("bundle");
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String a : List.of("sh", "echo", "sleep", "cat", "true")) {
            Files.createSymbolicLink(rootfs.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc")) {
            Files.createDirectories(bundle.resolve("rootfs").resolve(d));
        }
        Engines.run(List.of(Engines.RUNTIME.toString(), "spec", "--bundle", bundle.toString()), 60).ok();
        ObjectNode config = (ObjectNode) ContainerDir.JSON.readTree(bundle.resolve("config.json").toFile());
        // the host's network (no namespace entry) rather than a fresh one: the VM boots at create, where these tests
        // look for it (a fresh namespace, filled by an engine's CNI plugin after create, defers it to start)
        com.fasterxml.jackson.databind.node.ArrayNode namespaces = (com.fasterxml.jackson.databind.node.ArrayNode)
                config.get("linux").get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if ("network".equals(namespaces.get(i).path("type").asText())) {
                namespaces.remove(i);
            }
        }
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.putArray("args").add("sh").add("-c").add("echo out; echo err >&2; cat; exit 9");
        Files.writeString(bundle.resolve("config.json"), config.toString());
        sleeper = Files.createDirectories(home.resolve("sleeper"));
        ((ObjectNode) config.get("root")).put("path", bundle.resolve("rootfs").toString());
        process.putArray("args").add("sleep").add("1000");
        Files.writeString(sleeper.resolve("config.json"), config.toString());

        podSandbox = Files.createDirectories(home.resolve("pod-sandbox"));
        config.putObject("annotations").put(Pods.CRIO_TYPE, "sandbox");
        Files.writeString(podSandbox.resolve("config.json"), config.toString());
        podMember = Files.createDirectories(home.resolve("pod-member"));
        Engines.run(List.of("cp", "-a", bundle.resolve("rootfs").toString(), podMember.resolve("rootfs").toString()), 60).ok();
        Files.writeString(podMember.resolve("rootfs/marker"), "member\n");
        ((ObjectNode) config.get("root")).put("path", "rootfs");
        process.putArray("args").add("sh").add("-c").add("cat /marker; cat /proc/sys/kernel/random/boot_id; cat; exit 7");
        config.putObject("annotations").put(Pods.CRIO_TYPE, "container").put(Pods.CRIO_SANDBOX, "pod1");
        Files.writeString(podMember.resolve("config.json"), config.toString());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Engines.deleteTree(home);
    }

    @BeforeEach
    void snapshot() throws Exception {
        before = Engines.vmProcesses();
        root = Files.createTempDirectory(home, "root");
    }

    @AfterEach
    void nothingLeft() throws Exception {
        Engines.assertNoVmLeftBeyond(before);
        assertThat(Engines.entries(root)).as("state left under --root").isEmpty();
    }

    List<String> kr(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Engines.RUNTIME.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    JsonNode state(String id) throws Exception {
        return ContainerDir.JSON.readTree(Engines.run(kr("state", id), 60).ok().out());
    }

    @Test
    void runCarriesStdioAndTheExitCodeAndStateFollowsTheLifecycle() throws Exception {
        Engines.Result r = Engines.run(kr("run", "--bundle", bundle.toString(), "r1"), "to cat\n".getBytes(), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(9);
        assertThat(r.out()).isEqualTo("out\nto cat\n");
        assertThat(r.err()).contains("err");

        Path pidFile = home.resolve("r2.pid");
        Engines.run(kr("create", "--bundle", sleeper.toString(), "--pid-file", pidFile.toString(), "r2"), 300).ok();
        JsonNode created = state("r2");
        assertThat(created.path("status").asText()).isEqualTo("created");
        assertThat(created.path("pid").asLong()).isEqualTo(Long.parseLong(Files.readString(pidFile)));
        assertThat(created.path("bundle").asText()).isEqualTo(sleeper.toString());
        assertThat(Engines.run(kr("create", "--bundle", sleeper.toString(), "r2"), 60).err()).contains("already exists");
        Engines.run(kr("start", "r2"), 60).ok();
        assertThat(state("r2").path("status").asText()).isEqualTo("running");
        Engines.run(kr("update", "--memory", "64m", "--pids-limit", "5", "--cpu-quota", "50000", "r2"), 60).ok();
        // the container's init, this shell and three sleeps make five: the sixth process cannot be made
        Engines.Result forks = Engines.run(kr("exec", "r2", "sh", "-c", "for i in 1 2 3 4 5 6; do sleep 3 & done; wait"), 60);
        assertThat(forks.err()).as("pids.max in the guest").contains("can't fork");
        assertThat(Engines.run(kr("update", "--memory", "1k", "r2"), 60).err()).contains("at least 4M");
        assertThat(Engines.run(kr("update", "--cpuset-cpus", "0", "r2"), 60).err()).contains("not limits");
        assertThat(Engines.run(kr("delete", "r2"), 60).err()).contains("not stopped");
        Engines.run(kr("pause", "r2"), 60).ok();
        assertThat(state("r2").path("status").asText()).isEqualTo("paused");
        Engines.run(kr("resume", "r2"), 60).ok();
        Engines.run(kr("kill", "r2", "KILL"), 60).ok();
        for (int i = 0; i < 100 && !state("r2").path("status").asText().equals("stopped"); i++) {
            Thread.sleep(100);
        }
        assertThat(state("r2").path("status").asText()).isEqualTo("stopped");
        Engines.run(kr("delete", "r2"), 60).ok();
        assertThat(Engines.run(kr("state", "r2"), 60).err()).contains("does not exist");
    }

    @Test
    void aContainerAnnotatedIntoAPodRunsInThePodsVmOnItsOwnRoot() throws Exception {
        long mountsBefore = Files.readAllLines(Path.of("/proc/self/mountinfo")).size();
        Engines.run(kr("create", "--bundle", podSandbox.toString(), "pod1"), 300).ok();
        Engines.run(kr("start", "pod1"), 60).ok();
        Set<Long> podVm = Engines.vmProcesses();
        String boot = Engines.run(kr("exec", "pod1", "cat", "/proc/sys/kernel/random/boot_id"), 60).ok().out();

        Engines.Result r = Engines.run(kr("run", "--bundle", podMember.toString(), "m1"), "from stdin\n".getBytes(), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(7);
        assertThat(r.out()).as("its own root, the pod's kernel, its stdin").isEqualTo("member\n" + boot + "from stdin\n");
        assertThat(Engines.vmProcesses()).as("no VM of its own").isSubsetOf(podVm);

        Path waiting = Files.createDirectories(home.resolve("pod-member-2"));
        ObjectNode config = (ObjectNode) ContainerDir.JSON.readTree(podMember.resolve("config.json").toFile());
        ((ObjectNode) config.get("root")).put("path", podMember.resolve("rootfs").toString());
        ((ObjectNode) config.get("process")).putArray("args").add("sleep").add("1000");
        Files.writeString(waiting.resolve("config.json"), config.toString());
        Engines.run(kr("create", "--bundle", waiting.toString(), "m2"), 120).ok();
        Engines.run(kr("start", "m2"), 60).ok();
        assertThat(state("m2").path("status").asText()).isEqualTo("running");
        assertThat(Engines.run(kr("exec", "m2", "cat", "/marker"), 60).ok().out()).isEqualTo("member\n");
        assertThat(Engines.run(kr("exec", "pod1", "sh", "-c", "cat /marker 2>/dev/null || echo none"), 60).ok().out())
                .as("the sandbox keeps its own root").isEqualTo("none\n");
        assertThat(Engines.run(kr("pause", "m2"), 60).err()).contains("pause the pod's sandbox container");
        Engines.run(kr("kill", "m2", "KILL"), 60).ok();
        for (int i = 0; i < 100 && !state("m2").path("status").asText().equals("stopped"); i++) {
            Thread.sleep(100);
        }
        assertThat(state("m2").path("status").asText()).isEqualTo("stopped");
        Engines.run(kr("delete", "m2"), 60).ok();

        // the pod's daemon killed with SIGKILL while a member's root is bound: its VM goes, the member ends, and the
        // deletes undo the bind (never deleting into the member's root)
        Engines.run(kr("create", "--bundle", waiting.toString(), "m3"), 120).ok();
        Engines.run(kr("start", "m3"), 60).ok();
        ProcessHandle.of(state("pod1").path("pid").asLong()).orElseThrow().destroyForcibly();
        for (int i = 0; i < 200 && !state("m3").path("status").asText().equals("stopped"); i++) {
            Thread.sleep(100);
        }
        assertThat(state("m3").path("status").asText()).as("the member, once its pod's VM is gone").isEqualTo("stopped");
        Engines.run(kr("delete", "m3"), 60).ok();
        Engines.run(kr("delete", "pod1"), 60).ok();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("no member's root left bound").hasSize((int) mountsBefore);
        assertThat(Files.readString(podMember.resolve("rootfs/marker"))).isEqualTo("member\n");
    }

    @Test
    void hooksRunOnTheHostAtTheirPointsOfTheLifecycle() throws Exception {
        Path hooked = Files.createDirectories(home.resolve("hooked"));
        Path log = home.resolve("hooks.log");
        ObjectNode config = (ObjectNode) ContainerDir.JSON.readTree(sleeper.resolve("config.json").toFile());
        ((ObjectNode) config.get("process")).putArray("args").add("echo").add("ran");
        ObjectNode hooks = config.putObject("hooks");
        for (String phase : List.of("prestart", "createRuntime", "poststart", "poststop")) {
            hooks.putArray(phase).addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                    .add("echo " + phase + " $(grep -o '\"status\":\"[a-z]*\"') >> " + log);
        }
        Files.writeString(hooked.resolve("config.json"), config.toString());
        Engines.Result r = Engines.run(kr("run", "--bundle", hooked.toString(), "hk1"), 300);
        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).isEqualTo("ran\n");
        assertThat(Files.readAllLines(log)).containsExactly("prestart \"status\":\"creating\"",
                "createRuntime \"status\":\"creating\"", "poststart \"status\":\"running\"",
                "poststop \"status\":\"stopped\"");

        // a failing createRuntime hook fails the create and leaves nothing
        ((ObjectNode) hooks.get("createRuntime").get(0)).putArray("args").add("sh").add("-c").add("echo refused >&2; exit 2");
        Files.writeString(hooked.resolve("config.json"), config.toString());
        Engines.Result failed = Engines.run(kr("create", "--bundle", hooked.toString(), "hk2"), 300);
        assertThat(failed.code()).isNotZero();
        assertThat(failed.err()).contains("createRuntime hook /bin/sh failed").contains("refused");
    }

    @Test
    void aDaemonKilledWithSigkillTakesItsVmAlong() throws Exception {
        Engines.run(kr("create", "--bundle", sleeper.toString(), "k1"), 300).ok();
        long pid = state("k1").path("pid").asLong();
        Set<Long> vms = Engines.vmProcesses();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && Engines.vmProcesses().stream().anyMatch(p -> vms.contains(p) && !before.contains(p))) {
            Thread.sleep(50);
        }
        assertThat(Engines.vmProcesses()).as("QEMU and the daemon, 2 s after the daemon's SIGKILL").isSubsetOf(before);
        assertThat(state("k1").path("status").asText()).isEqualTo("stopped");
        Engines.run(kr("delete", "k1"), 60).ok();
    }

    @Test
    void deleteForceCleansUpAContainerWhoseCreateWasKilled() throws Exception {
        Process create = new ProcessBuilder(kr("create", "--bundle", sleeper.toString(), "h1"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path daemonPid = root.resolve("h1/pid");
        for (int i = 0; i < 600 && !Files.exists(daemonPid); i++) {
            Thread.sleep(50);
        }
        assertThat(daemonPid).as("the daemon's pid, written as soon as it is started").exists();
        create.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false)
                && dev.jkata.qemu.ProcessArguments.of(h.pid()).map(a -> !a.contains(SandboxDaemon.class.getName())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        create.destroyForcibly();
        create.waitFor();
        Engines.run(kr("delete", "--force", "h1"), 120).ok();
        assertThat(root.resolve("h1")).doesNotExist();
    }

    @Test
    void aCreateKilledWhileJoiningANetworkLeavesNoTapAfterDelete() throws Exception {
        String tag = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x100, 0xfff));
        String ns = "jkkrt-" + tag;
        Engines.run(List.of("sh", "-c", "ip netns add " + ns + " && ip link add jkk" + tag + " type veth peer name eth0 netns "
                + ns + " && ip link set jkk" + tag + " up && ip -n " + ns + " addr add 10.218.0.2/24 dev eth0 && ip -n " + ns
                + " link set eth0 up"), new byte[0], 60).ok();
        try {
            Path joining = Files.createDirectories(home.resolve("joining"));
            ObjectNode config = (ObjectNode) ContainerDir.JSON.readTree(sleeper.resolve("config.json").toFile());
            ((ObjectNode) config.get("linux")).putArray("namespaces").add(ContainerDir.JSON.createObjectNode()
                    .put("type", "network").put("path", "/run/netns/" + ns));
            Files.writeString(joining.resolve("config.json"), config.toString());
            Process create = new ProcessBuilder(kr("create", "--bundle", joining.toString(), "n1"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            boolean mirrored = false;
            for (int i = 0; i < 1200 && !mirrored; i++) {
                mirrored = Engines.run(List.of("ip", "-n", ns, "-o", "link", "show"), new byte[0], 60).out().contains(" kt")
                        && Engines.run(List.of("tc", "-n", ns, "qdisc", "show", "dev", "eth0"), new byte[0], 60).out()
                        .contains("ingress");
                Thread.sleep(mirrored ? 0 : 50);
            }
            assertThat(mirrored).as("the sandbox made its tap and mirror in the engine's namespace").isTrue();
            long daemon = Long.parseLong(Files.readString(root.resolve("n1/pid")).trim());
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            create.destroyForcibly();
            create.waitFor();
            Engines.run(kr("delete", "--force", "n1"), 120).ok();
            assertThat(Engines.run(List.of("ip", "-n", ns, "-o", "link", "show"), new byte[0], 60).ok().out())
                    .as("delete removed the killed sandbox's tap").doesNotContain(" kt").contains("eth0");
            assertThat(Engines.run(List.of("tc", "-n", ns, "qdisc", "show", "dev", "eth0"), new byte[0], 60).ok().out())
                    .as("and the mirror on the engine's device").doesNotContain("ingress");
        } finally {
            Engines.run(List.of("ip", "link", "del", "jkk" + tag), new byte[0], 60);
            Engines.run(List.of("ip", "netns", "del", ns), new byte[0], 60);
        }
    }
}
