package dev.jkata.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.proto.LinuxCPU;
import dev.jkata.agent.protocol.proto.LinuxMemory;
import dev.jkata.agent.protocol.proto.LinuxPids;
import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.errors.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLimitsTest {
    @TempDir
    Path cg;

    private static LinuxResources r(long memory, long quota, long period, long shares, long pids) {
        return LinuxResources.newBuilder().setMemory(LinuxMemory.newBuilder().setLimit(memory))
                .setCPU(LinuxCPU.newBuilder().setQuota(quota).setPeriod(period).setShares(shares))
                .setPids(LinuxPids.newBuilder().setLimit(pids)).build();
    }

    @Test
    void limitsAreWrittenAsCgroupV2ValuesAndZeroLeavesAFileAlone() throws Exception {
        Files.writeString(cg.resolve("pids.max"), "max");
        CgroupLimits.apply(cg, r(64L << 20, 50_000, 0, 1024, 0));
        assertThat(cg.resolve("memory.max")).hasContent(Long.toString(64L << 20));
        assertThat(cg.resolve("cpu.max")).hasContent("50000 100000");
        assertThat(cg.resolve("cpu.weight")).hasContent("39");
        assertThat(cg.resolve("pids.max")).as("left alone").hasContent("max");
        CgroupLimits.apply(cg, r(-1, -1, 200_000, 0, 7));
        assertThat(cg.resolve("memory.max")).hasContent("max");
        assertThat(cg.resolve("cpu.max")).hasContent("max 200000");
        assertThat(cg.resolve("pids.max")).hasContent("7");
    }

    @Test
    void badValuesAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> CgroupLimits.apply(cg, r(1024, 50_000, 0, 0, 0))).isInstanceOf(AgentException.class)
                .hasMessageContaining("memory limit");
        assertThatThrownBy(() -> CgroupLimits.apply(cg, r(0, 1000, 10, 0, 0))).isInstanceOf(AgentException.class)
                .hasMessageContaining("period");
        assertThatThrownBy(() -> CgroupLimits.apply(cg, r(0, 0, 0, 0, -5))).isInstanceOf(AgentException.class);
        assertThat(cg.resolve("cpu.max")).doesNotExist();
        assertThatThrownBy(() -> CgroupLimits.apply(cg.resolve("gone"), r(0, 0, 0, 0, 3)))
                .isInstanceOf(AgentException.class).hasMessageContaining("no cgroup");
    }
}
