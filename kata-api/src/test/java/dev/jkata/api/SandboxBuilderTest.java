package dev.jkata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxBuilderTest {

    @Test
    void defaultsAreSane() {
        SandboxSpec s = Sandbox.builder().toSpec();
        assertThat(s.memory()).isEqualTo(MemorySize.ofMiB(512));
        assertThat(s.cpus()).isEqualTo(1);
        assertThat(s.accelerator()).isEqualTo(dev.jkata.api.Accelerator.AUTO);
        assertThat(s.nvdimm()).isFalse();
        assertThat(s.bootTimeout()).isPositive();
        assertThat(s.container().rootfs()).isEmpty();
    }

    @Test
    void everyBadSettingNamesItsField() {
        assertThatThrownBy(() -> Sandbox.builder().memory(MemorySize.ofMiB(64)).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("memory:");
        assertThatThrownBy(() -> Sandbox.builder().cpus(0).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("cpus:");
        assertThatThrownBy(() -> Sandbox.builder().bootTimeout(Duration.ZERO).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("bootTimeout:");
        assertThatThrownBy(() -> Sandbox.builder().accelerator("xen").toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("auto, kvm or tcg");
        assertThatThrownBy(() -> Sandbox.builder().kernel(Path.of("/no/such/vmlinuz")).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("kernel:");
        assertThatThrownBy(() -> Sandbox.builder().share(Path.of("/no/such/dir"), "/mnt", true).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("share:");
        assertThatThrownBy(() -> Sandbox.builder().share(Path.of("/tmp"), "relative", true).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("absolute");
    }

    @Test
    void nullsOverflowsAndBadNamesAreTypedErrorsNamingTheirField() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Map<String, java.util.function.Supplier<Object>> bad = new java.util.LinkedHashMap<>();
        bad.put("share", () -> Sandbox.builder().share(null, "/mnt", true).toSpec());
        bad.put("share ", () -> Sandbox.builder().share(tmp, "/../etc", true).toSpec());
        bad.put("share  ", () -> Sandbox.builder().share(tmp, "/proc/x", true).toSpec());
        bad.put("share   ", () -> Sandbox.builder().share(tmp, "/", true).toSpec());
        bad.put("share    ", () -> Sandbox.builder().share(tmp, null, true).toSpec());
        bad.put("share     ", () -> Sandbox.builder().share(tmp, "/mnt/a\nb", true).toSpec());
        bad.put("kernel", () -> Sandbox.builder().kernel(null));
        bad.put("image", () -> Sandbox.builder().guestImage(null));
        bad.put("stateRoot", () -> Sandbox.builder().stateRoot(null));
        bad.put("provider", () -> Sandbox.builder().provider(null));
        bad.put("accelerator", () -> Sandbox.builder().accelerator((String) null).toSpec());
        bad.put("bootTimeout", () -> Sandbox.builder().bootTimeout(Duration.ofSeconds(Long.MAX_VALUE)).toSpec());
        bad.put("env", () -> Sandbox.builder().env(null, "x"));
        bad.put("env ", () -> Sandbox.builder().env("A=B", "x"));
        bad.put("container", () -> Sandbox.builder().container(null).toSpec());
        bad.put("env  ", () -> ContainerSpec.builder().env("K", null));
        bad.put("hostname", () -> ContainerSpec.builder().hostname("not a host").build());
        bad.put("hostname ", () -> ContainerSpec.builder().hostname("x".repeat(64)).build());
        bad.put("hostname  ", () -> ContainerSpec.builder().hostname("-n").build());
        bad.put("workdir", () -> ContainerSpec.builder().workdir("relative").build());
        bad.put("user", () -> ContainerSpec.builder().user(null).build());
        bad.put("pullPolicy", () -> ContainerSpec.builder().pullPolicy(null).build());
        bad.put("captureLimit", () -> ExecSpec.builder("ls").captureLimit(null).build());
        bad.put("timeout", () -> ExecSpec.builder("ls").timeout(Duration.ofSeconds(Long.MAX_VALUE)).build());
        bad.put("env   ", () -> ExecSpec.builder("ls").env("K", null));
        bad.put("command", () -> ExecSpec.builder(java.util.Arrays.asList("ls", null)).build());
        bad.forEach((field, call) -> assertThatThrownBy(call::get).as(field)
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith(field.trim() + ":"));
    }

    @Test
    void execSpecsValidateToo() {
        assertThatThrownBy(() -> ExecSpec.builder().build()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("command:");
        assertThatThrownBy(() -> ExecSpec.builder("ls").workdir("tmp").build())
                .hasMessageStartingWith("workdir:");
        assertThatThrownBy(() -> ExecSpec.builder("ls").timeout(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("timeout:");
    }

    @Test
    void memorySizesParseAndPrint() {
        assertThat(MemorySize.parse("512M")).isEqualTo(MemorySize.ofMiB(512));
        assertThat(MemorySize.parse("2g")).isEqualTo(MemorySize.ofGiB(2));
        assertThat(MemorySize.parse("64MiB").toString()).isEqualTo("64M");
        assertThat(MemorySize.parse("1536K").toString()).isEqualTo("1536K");
        assertThatThrownBy(() -> MemorySize.parse("lots")).hasMessageContaining("512M");
    }

    @Test
    void exitStatusKnowsSignals() {
        assertThat(ExitStatus.of(143).signaled()).isTrue();
        assertThat(ExitStatus.of(143).signal()).isEqualTo(15);
        assertThat(ExitStatus.of(1).signaled()).isFalse();
    }

    @Test
    void sandboxStatesOnlyMoveForward() {
        assertThat(SandboxState.CREATED.canMoveTo(SandboxState.STARTING)).isTrue();
        assertThat(SandboxState.STOPPED.next()).isEmpty();
        assertThat(SandboxState.RUNNING.canMoveTo(SandboxState.STARTING)).isFalse();
    }

    @Test
    void aSpecMadeWithoutTheBuilderChecksItselfToo() {
        SandboxSpec ok = Sandbox.builder().toSpec();
        assertThatThrownBy(() -> new SandboxSpec(ok.kernel(), ok.kernelModules(), ok.initrd(), ok.nvdimm(), MemorySize.ofMiB(1),
                ok.cpus(), ok.shares(), ok.env(), ok.bootTimeout(), ok.accelerator(), ok.container(), ok.stateRoot(),
                ok.network(), ok.ports(), ok.publishExposed(), ok.template(), ok.containerRoots(), ok.pool(), ok.disk(), ok.deadline(), ok.registries()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("memory"));
        assertThatThrownBy(() -> new SandboxSpec(ok.kernel(), ok.kernelModules(), ok.initrd(), ok.nvdimm(), ok.memory(),
                ok.cpus(), ok.shares(), ok.env(), ok.bootTimeout(), null, ok.container(), ok.stateRoot(),
                ok.network(), ok.ports(), ok.publishExposed(), ok.template(), ok.containerRoots(), 99, ok.disk(), ok.deadline(), ok.registries()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("accelerator"));
        assertThat(Accelerator.parse("TCG")).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.TCG).hasToString("tcg");
    }

    @Test
    void aDiskByDefaultSizedWithinBoundsAndADeadlineThatIsPositive() {
        assertThat(Sandbox.builder().toSpec().disk()).isEqualTo(MemorySize.ofGiB(SandboxBuilder.DEFAULT_DISK_GIB));
        assertThat(Sandbox.builder().noDisk().toSpec().disk()).isEqualTo(MemorySize.ZERO);
        assertThat(Sandbox.builder().disk(MemorySize.ofMiB(64)).toSpec().disk()).isEqualTo(SandboxSpec.MIN_DISK);
        assertThatThrownBy(() -> Sandbox.builder().disk(MemorySize.ofMiB(63)).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("disk:")
                .hasMessageContaining("noDisk()");
        assertThatThrownBy(() -> Sandbox.builder().disk(MemorySize.parse("17T")).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("disk:");
        assertThatThrownBy(() -> Sandbox.builder().disk(null))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("disk:");
        assertThat(Sandbox.builder().toSpec().deadline()).isEmpty();
        assertThat(Sandbox.builder().deadline(java.time.Duration.ofMinutes(30)).toSpec().deadline())
                .contains(java.time.Duration.ofMinutes(30));
        assertThatThrownBy(() -> Sandbox.builder().deadline(java.time.Duration.ZERO).toSpec())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("deadline:");
    }

    @Test
    void registriesAreCheckedAndNeverShowASecret(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Registries r = Registries.none().login("127.0.0.1:5000", "ci", "s3cret").trust(pem).insecure("registry.lan");
        assertThat(Sandbox.builder().registries(r).toSpec().registries()).isEqualTo(r);
        assertThat(r.toString() + r.logins()).doesNotContain("s3cret").contains("127.0.0.1:5000");
        assertThat(Registries.none().isEmpty()).isTrue();
        assertThatThrownBy(() -> Registries.none().login("https://registry.example", "u", "p"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("host[:port]");
        assertThatThrownBy(() -> Registries.none().trust(tmp.resolve("missing.pem")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Registries.none().login("r.example", "", "p")).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void hostNamesAsEnginesMakeThemAreTaken() {
        assertThat(ContainerSpec.builder().hostname("goofy_goodall").build().hostname()).isEqualTo("goofy_goodall");
        assertThat(ContainerSpec.builder().hostname("web-1.pod").build().hostname()).isEqualTo("web-1.pod");
    }
}
