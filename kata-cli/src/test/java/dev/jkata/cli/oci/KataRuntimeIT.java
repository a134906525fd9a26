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
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.putArray("args").add("sh").add("-c").add("echo out; echo err >&2; cat; exit 9");
        Files.writeString(bundle.resolve("config.json"), config.toString());
        sleeper = Files.createDirectories(home.resolve("sleeper"));
        ((ObjectNode) config.get("root")).put("path", bundle.resolve("rootfs").toString());
        process.putArray("args").add("sleep").add("1000");
        Files.writeString(sleeper.resolve("config.json"), config.toString());
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
                && h.info().arguments().map(a -> !List.of(a).contains(SandboxDaemon.class.getName())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        create.destroyForcibly();
        create.waitFor();
        Engines.run(kr("delete", "--force", "h1"), 120).ok();
        assertThat(root.resolve("h1")).doesNotExist();
    }
}
