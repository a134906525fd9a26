package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.agent.client.GuestDetails;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.agent.protocol.features.AgentFeature;
import dev.jkata.api.Capabilities;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerProcessesTest {
    private final ContainerDefaults defaults = new ContainerDefaults(Path.of("/nonexistent-root"), Optional.empty(), false);
    private final GuestDetails jkata = new GuestDetails("jkata", List.of("overlayfs"), Set.of(AgentFeature.IDLE_INIT));
    private final GuestDetails upstream = new GuestDetails("1.13.0-alpha0", List.of("9p"));

    @Test
    void anExecNeverGainsWhatItsContainerLacks() {
        ContainerSpec container = ContainerSpec.builder().capabilities(Capabilities.of("CHOWN", "KILL")).build();
        ProcessConfig p = ContainerProcesses.of(ExecSpec.builder("id").capabilities(Capabilities.of("KILL", "SYS_ADMIN"))
                .build(), container, Map.of(), defaults);
        assertThat(p.capabilities().orElseThrow().effective()).containsExactly("CAP_KILL");
        assertThat(p.capabilities().orElseThrow().bounding()).containsExactly("CAP_KILL");
    }

    @Test
    void anExecKeepsTheContainersNoNewPrivilegesAndGetsItsCapabilitiesByDefault() {
        ContainerSpec container = ContainerSpec.builder().noNewPrivileges().build();
        ProcessConfig p = ContainerProcesses.of(ExecSpec.builder("id").build(), container, Map.of(), defaults);
        assertThat(p.noNewPrivileges()).isTrue();
        assertThat(p.capabilities()).contains(Capabilities.dockerDefault());
    }

    @Test
    void theIdleInitComesFromJkataWhereTheAgentHasItAndItHoldsTheContainersCapabilities() {
        ProcessConfig init = ContainerProcesses.init(ContainerSpec.defaults(), Map.of(), defaults, jkata);
        assertThat(init.args()).containsExactly("/.jkata/busybox", "sleep", "2147483647");
        assertThat(init.capabilities()).contains(Capabilities.dockerDefault());
        assertThat(ContainerProcesses.init(ContainerSpec.defaults(), Map.of(), defaults, upstream).args())
                .containsExactly("/bin/sleep", "2147483647");
    }

    @Test
    void aJobsInitIsItsOwnProcess() {
        ContainerSpec job = ContainerSpec.builder().process(ExecSpec.builder("/app", "serve").env("MODE", "x").build()).build();
        ProcessConfig init = ContainerProcesses.init(job, Map.of("SANDBOX", "1"), defaults, jkata);
        assertThat(init.args()).containsExactly("/app", "serve");
        assertThat(init.env()).containsEntry("MODE", "x").containsEntry("SANDBOX", "1");
    }

    @Test
    void privilegedMeansEveryCapabilityAndNothingMasked() {
        ContainerSpec c = ContainerSpec.builder().privileged().build();
        assertThat(c.security().effectiveCapabilities().effective()).contains("CAP_SYS_ADMIN", "CAP_NET_ADMIN");
        assertThat(c.security().maskedPaths()).contains(List.of());
    }
}
