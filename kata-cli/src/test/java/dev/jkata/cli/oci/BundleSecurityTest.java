package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Capabilities;
import dev.jkata.api.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N-M8: the bundle's security settings reach the container's spec, none dropped silently. */
class BundleSecurityTest {
    @TempDir
    Path bundle;

    private OciBundle read(String process, String linux, boolean readonly) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\","
                + " \"readonly\": " + readonly + "}, \"process\": " + process + ", \"linux\": " + linux + "}");
        return OciBundle.read(bundle);
    }

    @Test
    void capabilitiesNoNewPrivilegesGroupsPathsSeccompAndReadOnlyRootAreRead() throws Exception {
        OciBundle b = read("{\"args\": [\"sh\"], \"cwd\": \"/\", \"noNewPrivileges\": true,"
                + " \"user\": {\"uid\": 5, \"gid\": 6, \"additionalGids\": [10, 11]},"
                + " \"capabilities\": {\"bounding\": [\"CAP_NET_ADMIN\"], \"effective\": [\"CAP_NET_ADMIN\"],"
                + " \"permitted\": [\"CAP_NET_ADMIN\"]}, \"apparmorProfile\": \"docker-default\"}",
                "{\"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [], \"seccomp\": {\"defaultAction\":"
                + " \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"mkdir\","
                + " \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}}", true);
        Security s = b.security();
        assertThat(s.capabilities()).contains(new Capabilities(java.util.Set.of("CAP_NET_ADMIN"),
                java.util.Set.of("CAP_NET_ADMIN"), java.util.Set.of(), java.util.Set.of("CAP_NET_ADMIN"), java.util.Set.of()));
        assertThat(s.noNewPrivileges()).isTrue();
        assertThat(s.readOnlyRoot()).isTrue();
        assertThat(s.maskedPaths()).contains(java.util.List.of("/proc/kcore"));
        assertThat(s.readonlyPaths()).contains(java.util.List.of());
        assertThat(s.seccomp().orElseThrow().rules().get(0).names()).containsExactly("mkdir", "mkdirat");
        assertThat(b.process().additionalGids()).containsExactly(10L, 11L);
        assertThat(b.process().notApplied()).containsExactly("apparmorProfile");
        assertThat(BundleMapping.execSpec(b.process()).noNewPrivileges()).isTrue();
    }

    @Test
    void aBundleThatSaysNothingGetsDockersDefaults() throws Exception {
        OciBundle b = read("{\"args\": [\"sh\"]}", "{}", false);
        assertThat(b.security()).isEqualTo(Security.defaults());
        assertThat(b.security().effectiveCapabilities()).isEqualTo(Capabilities.dockerDefault());
    }

    @Test
    void badSettingsAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> read("{\"args\": [\"sh\"], \"capabilities\": {\"bounding\": [\"CAP_$(reboot)\"]}}", "{}", false))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("process.capabilities");
        assertThatThrownBy(() -> read("{\"args\": [\"sh\"]}", "{\"seccomp\": {\"defaultAction\": \"ALLOW\"}}", false))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("linux.seccomp");
        assertThatThrownBy(() -> read("{\"args\": [\"sh\"], \"user\": {\"additionalGids\": [-1]}}", "{}", false))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("additionalGids");
    }
}
