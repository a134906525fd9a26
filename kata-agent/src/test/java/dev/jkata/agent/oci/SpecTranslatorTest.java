package dev.jkata.agent.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.agent.protocol.proto.Hook;
import dev.jkata.agent.protocol.proto.Hooks;
import dev.jkata.agent.protocol.proto.Linux;
import dev.jkata.agent.protocol.proto.LinuxCPU;
import dev.jkata.agent.protocol.proto.LinuxCapabilities;
import dev.jkata.agent.protocol.proto.LinuxDeviceCgroup;
import dev.jkata.agent.protocol.proto.LinuxMemory;
import dev.jkata.agent.protocol.proto.LinuxPids;
import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.protocol.proto.Mount;
import dev.jkata.agent.protocol.proto.POSIXRlimit;
import dev.jkata.agent.protocol.proto.Process;
import dev.jkata.agent.protocol.proto.Root;
import dev.jkata.agent.protocol.proto.Spec;
import dev.jkata.agent.protocol.proto.User;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpecTranslatorTest {

    @Test
    void theProcessUsesTheRuntimeSpecsNames() {
        ObjectNode p = SpecTranslator.process(Process.newBuilder()
                .addArgs("sh").addArgs("-c").addArgs("id").addEnv("A=1").setCwd("/work")
                .setUser(User.newBuilder().setUID(1000).setGID(100).addAdditionalGids(10))
                .setCapabilities(LinuxCapabilities.newBuilder().addBounding("CAP_KILL").addEffective("CAP_KILL"))
                .addRlimits(POSIXRlimit.newBuilder().setType("RLIMIT_NOFILE").setHard(1024).setSoft(512))
                .setNoNewPrivileges(true).setOOMScoreAdj(-500)
                .build());

        assertThat(p.path("args")).extracting(JsonNode::asText).containsExactly("sh", "-c", "id");
        assertThat(p.path("env").get(0).asText()).isEqualTo("A=1");
        assertThat(p.path("cwd").asText()).isEqualTo("/work");
        assertThat(p.path("user").path("uid").asLong()).isEqualTo(1000);
        assertThat(p.path("user").path("gid").asLong()).isEqualTo(100);
        assertThat(p.path("user").path("additionalGids").get(0).asLong()).isEqualTo(10);
        assertThat(p.path("capabilities").path("bounding").get(0).asText()).isEqualTo("CAP_KILL");
        assertThat(p.path("rlimits").get(0).path("soft").asLong()).isEqualTo(512);
        assertThat(p.path("noNewPrivileges").asBoolean()).isTrue();
        assertThat(p.path("oomScoreAdj").asInt()).isEqualTo(-500);
        assertThat(p.has("terminal")).isFalse();
    }

    @Test
    void zeroResourcesAreLeftOutSoTheRuntimeKeepsItsDefaults() {
        ObjectNode c = SpecTranslator.config(Spec.newBuilder()
                .setLinux(Linux.newBuilder().setResources(LinuxResources.newBuilder()
                        .setMemory(LinuxMemory.newBuilder())
                        .setCPU(LinuxCPU.newBuilder().setQuota(50000).setPeriod(100000))
                        .setPids(LinuxPids.newBuilder())))
                .build());

        JsonNode r = c.path("linux").path("resources");
        assertThat(r.has("memory")).as("an all-zero memory section would be a limit of 0").isFalse();
        assertThat(r.has("pids")).isFalse();
        assertThat(r.path("cpu").path("quota").asLong()).isEqualTo(50000);
        assertThat(r.path("cpu").path("period").asLong()).isEqualTo(100000);
        assertThat(r.path("cpu").has("shares")).isFalse();
    }

    @Test
    void limitsDevicesMountsAndRootAreCarried() {
        ObjectNode c = SpecTranslator.config(Spec.newBuilder().setVersion("1.0.2")
                .setRoot(Root.newBuilder().setPath("rootfs").setReadonly(true))
                .addMounts(Mount.newBuilder().setDestination("/data").setSource("/run/x").setType("bind").addOptions("rbind"))
                .putAnnotations("k", "v")
                .setHooks(Hooks.newBuilder().addPrestart(Hook.newBuilder().setPath("/host/bin/hook")))
                .setLinux(Linux.newBuilder().setResources(LinuxResources.newBuilder()
                        .setMemory(LinuxMemory.newBuilder().setLimit(256L << 20))
                        .setPids(LinuxPids.newBuilder().setLimit(100))
                        .addDevices(LinuxDeviceCgroup.newBuilder().setAllow(false).setAccess("rwm"))
                        .addDevices(LinuxDeviceCgroup.newBuilder().setAllow(true).setType("c").setMajor(1).setMinor(3).setAccess("rw"))))
                .build());

        assertThat(c.path("ociVersion").asText()).isEqualTo("1.0.2");
        assertThat(c.path("root").path("path").asText()).isEqualTo("rootfs");
        assertThat(c.path("root").path("readonly").asBoolean()).isTrue();
        assertThat(c.path("mounts").get(0).path("destination").asText()).isEqualTo("/data");
        assertThat(c.path("mounts").get(0).path("options").get(0).asText()).isEqualTo("rbind");
        assertThat(c.path("annotations").path("k").asText()).isEqualTo("v");
        assertThat(c.has("hooks")).as("host hooks name host binaries").isFalse();
        JsonNode r = c.path("linux").path("resources");
        assertThat(r.path("memory").path("limit").asLong()).isEqualTo(256L << 20);
        assertThat(r.path("pids").path("limit").asLong()).isEqualTo(100);
        assertThat(r.path("devices").get(0).has("major")).as("deny all: no major").isFalse();
        assertThat(r.path("devices").get(1).path("minor").asLong()).isEqualTo(3);
    }

    @Test
    void unsignedValuesStayUnsigned() {
        ObjectNode p = SpecTranslator.process(Process.newBuilder().addArgs("x")
                .setUser(User.newBuilder().setUID(-2))
                .addRlimits(POSIXRlimit.newBuilder().setType("RLIMIT_CORE").setHard(-1).setSoft(-1))
                .build());

        assertThat(p.path("user").path("uid").asLong()).isEqualTo(4294967294L);
        assertThat(p.path("rlimits").get(0).path("hard").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
    }
}
