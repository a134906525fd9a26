package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runc behaviours engines rely on, without a VM: exit codes, errors, the state JSON, the pid file, bad input. */
class KataRuntimeTest {
    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {}

    Outcome kr(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--root", tmp.resolve("root").toString()));
        all.addAll(List.of(args));
        int code = KataRuntime.execute(new PrintStream(out, true), new PrintStream(err, true), all.toArray(String[]::new));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownVerbsAndFlagsFailAsRuncs() {
        Outcome verb = kr("frobnicate");
        assertThat(verb.code()).isEqualTo(3);
        assertThat(verb.err()).contains("level=error").contains("No help topic for 'frobnicate'");
        Outcome flag = kr("create", "--bogus", "x");
        assertThat(flag.code()).isEqualTo(1);
        assertThat(flag.err()).contains("flag provided but not defined: --bogus");
    }

    @Test
    void anUnknownContainerIsAnErrorExceptForDeleteForce() {
        assertThat(kr("delete", "nosuch")).satisfies(o -> {
            assertThat(o.code()).isEqualTo(1);
            assertThat(o.err()).contains("container does not exist");
        });
        assertThat(kr("delete", "--force", "nosuch").code()).isZero();
        assertThat(kr("state", "nosuch").code()).isEqualTo(1);
        assertThat(kr("kill", "nosuch", "KILL").code()).isEqualTo(1);
        assertThat(kr("start", "nosuch").code()).isEqualTo(1);
        assertThat(kr("exec", "nosuch", "true").code()).isEqualTo(1);
        assertThat(kr("list", "--format", "json").out().trim()).isEqualTo("null");
    }

    @Test
    void idsThatCouldEscapeTheRootAreRefused() {
        Outcome o = kr("state", "../etc");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("invalid container id");
    }

    @Test
    void aBadBundleFailsBeforeAnyStateOrProcessExists() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle/rootfs"));
        Outcome none = kr("create", "--bundle", bundle.getParent().resolve("missing").toString(), "c1");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("has no config.json");
        Files.writeString(tmp.resolve("bundle/config.json"), "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[],\"cwd\":\"/\"}}");
        Outcome empty = kr("create", "--bundle", tmp.resolve("bundle").toString(), "c1");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("process.args is empty");
        Files.writeString(tmp.resolve("bundle/config.json"), "{\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"terminal\":true}}");
        Outcome tty = kr("create", "--bundle", tmp.resolve("bundle").toString(), "c1");
        assertThat(tty.err()).contains("--console-socket");
        assertThat(tmp.resolve("root/c1")).doesNotExist();
    }

    @Test
    void aContainerWhoseDaemonDiedIsStoppedAndCanBeDeleted() throws Exception {
        Path root = tmp.resolve("root");
        ContainerDir dir = ContainerDir.create(root, "dead1");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        dir.write("pid", Long.toString(gone.pid()));
        dir.writeState(tmp, tmp.resolve("rootfs"), gone.pid(), java.time.Instant.parse("2026-01-02T03:04:05Z"), java.util.Map.of("a", "b"));
        dir.writeStatus(Status.RUNNING, 0);

        Outcome state = kr("state", "dead1");
        assertThat(state.code()).as(state.err()).isZero();
        JsonNode json = ContainerDir.JSON.readTree(state.out());
        assertThat(json.path("ociVersion").asText()).isEqualTo(KataRuntime.OCI_VERSION);
        assertThat(json.path("id").asText()).isEqualTo("dead1");
        assertThat(json.path("status").asText()).isEqualTo("stopped");
        assertThat(json.path("pid").asLong()).isZero();
        assertThat(json.path("bundle").asText()).isEqualTo(tmp.toString());
        assertThat(json.path("rootfs").asText()).isEqualTo(tmp.resolve("rootfs").toString());
        assertThat(json.path("created").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.path("annotations").path("a").asText()).isEqualTo("b");

        assertThat(kr("kill", "dead1", "TERM").err()).contains("container not running");
        assertThat(kr("kill", "--all", "dead1", "TERM").code()).isZero();
        assertThat(kr("list", "-q").out().trim()).isEqualTo("dead1");
        assertThat(kr("delete", "dead1").code()).isZero();
        assertThat(root.resolve("dead1")).doesNotExist();
    }

    @Test
    void errorsGoToTheLogFileAsJson() throws Exception {
        Path log = tmp.resolve("log.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KataRuntime.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true),
                "--root", tmp.toString(), "--log", log.toString(), "--log-format", "json", "delete", "nosuch");
        assertThat(code).isEqualTo(1);
        JsonNode line = ContainerDir.JSON.readTree(Files.readAllLines(log).get(0));
        assertThat(line.path("level").asText()).isEqualTo("error");
        assertThat(line.path("msg").asText()).isEqualTo("container does not exist");
    }

    @Test
    void featuresSpecAndVersionAnswer() throws Exception {
        JsonNode f = ContainerDir.JSON.readTree(kr("features").out());
        assertThat(f.path("ociVersionMax").asText()).isEqualTo(KataRuntime.OCI_VERSION);
        assertThat(kr("spec", "--bundle", tmp.toString()).code()).isZero();
        JsonNode spec = ContainerDir.JSON.readTree(tmp.resolve("config.json").toFile());
        assertThat(spec.path("root").path("path").asText()).isEqualTo("rootfs");
        assertThat(kr("spec", "--bundle", tmp.toString()).err()).contains("exists");
        assertThat(kr("--version").out()).startsWith("kata-runtime version ").contains("spec: ");
    }

    @Test
    void signalsByNameAndNumber() {
        assertThat(Signals.parse("KILL")).isEqualTo(9);
        assertThat(Signals.parse("SIGTERM")).isEqualTo(15);
        assertThat(Signals.parse("term")).isEqualTo(15);
        assertThat(Signals.parse("2")).isEqualTo(2);
        assertThat(Signals.parse("RTMIN+2")).isEqualTo(36);
        assertThatThrownBy(() -> Signals.parse("NOPE")).isInstanceOf(RuntimeFailure.class).hasMessageContaining("unknown signal");
        assertThatThrownBy(() -> Signals.parse("99")).isInstanceOf(RuntimeFailure.class);
    }

    @Test
    void thePidFileHoldsJustThePid() throws Exception {
        Path pid = tmp.resolve("init.pid");
        Lifecycle.writePidFile(pid, 4242);
        assertThat(Files.readString(pid)).isEqualTo("4242");
    }

    @Test
    void aBundlesResourcesSharesAndProcessBecomeTheSandboxAndExec() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("b"));
        Files.createDirectories(bundle.resolve("rootfs"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(bundle.resolve("config.json"), "{\"root\":{\"path\":\"rootfs\"},\"hostname\":\"web\","
                + "\"process\":{\"args\":[\"sh\",\"-c\",\"true\"],\"cwd\":\"/srv\",\"env\":[\"A=1\",\"B=x=y\"],"
                + "\"user\":{\"uid\":1000,\"gid\":100},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":2048}]},"
                + "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                + "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"" + data + "\",\"options\":[\"rbind\",\"ro\"]}],"
                + "\"linux\":{\"resources\":{\"memory\":{\"limit\":268435456},\"cpu\":{\"quota\":150000,\"period\":100000}}}}");
        OciBundle b = OciBundle.read(bundle);
        assertThat(b.rootfs()).isEqualTo(bundle.resolve("rootfs"));
        assertThat(b.memoryLimit()).isEqualTo(256L << 20);
        assertThat(b.cpus()).isEqualTo(2);
        var spec = BundleMapping.builder(b).toSpec();
        assertThat(spec.memory().toMiB()).isEqualTo(512 + 256);
        assertThat(spec.cpus()).isEqualTo(2);
        assertThat(spec.shares()).singleElement().satisfies(s -> {
            assertThat(s.guestPath()).isEqualTo("/data");
            assertThat(s.readOnly()).isTrue();
        });
        var exec = BundleMapping.execSpec(b.process());
        assertThat(exec.command()).containsExactly("sh", "-c", "true");
        assertThat(exec.env()).containsEntry("A", "1").containsEntry("B", "x=y");
        assertThat(exec.workdir()).contains("/srv");
        assertThat(exec.user()).contains("1000:100");
        assertThat(b.process().rlimits()).containsExactly(new OciProcess.Rlimit("RLIMIT_NOFILE", 1024, 2048));
        assertThat(exec.rlimits()).containsExactly(new dev.jkata.api.ExecSpec.Rlimit("RLIMIT_NOFILE", 1024, 2048));
    }

    @Test
    void theBundlesNetworkNamespaceIsJoinedUnlessItIsTheHostsOrAFreshOne() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        OciBundle.NetworkNamespace engine = OciBundle.networkNamespace(json.createObjectNode().set("namespaces",
                json.createArrayNode().add(json.createObjectNode().put("type", "pid"))
                        .add(json.createObjectNode().put("type", "network").put("path", "/run/netns/cni-1"))));
        assertThat(engine.path()).contains(Path.of("/run/netns/cni-1"));
        assertThat(engine.fresh()).isFalse();
        assertThat(BundleMapping.network(engine)).isEqualTo(dev.jkata.api.Network.namespace(Path.of("/run/netns/cni-1")));

        OciBundle.NetworkNamespace fresh = OciBundle.networkNamespace(json.createObjectNode().set("namespaces",
                json.createArrayNode().add(json.createObjectNode().put("type", "network"))));
        assertThat(fresh.fresh()).isTrue();
        assertThat(BundleMapping.network(fresh)).isEqualTo(dev.jkata.api.Network.none());
        assertThat(BundleMapping.network(OciBundle.networkNamespace(json.createObjectNode())))
                .as("no entry: the host's namespace, never joined").isEqualTo(dev.jkata.api.Network.none());
        assertThat(BundleMapping.network(new OciBundle.NetworkNamespace(true, java.util.Optional.of(Path.of("/proc/self/ns/net")))))
                .as("a path to the host's own namespace").isEqualTo(dev.jkata.api.Network.none());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OciBundle.networkNamespace(json.createObjectNode().set("namespaces",
                json.createArrayNode().add(json.createObjectNode().put("type", "network").put("path", "netns/x")))))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("not absolute");
    }
}
