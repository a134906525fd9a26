package dev.jkata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SandboxLifecycleTest {

    @Test
    void runsThroughTheLegalStatesAndClosesOnce() {
        SandboxLifecycle l = new SandboxLifecycle("sb1");
        l.moveTo(SandboxState.STARTING);
        l.moveTo(SandboxState.RUNNING);
        assertThat(l.whileRunning("exec", () -> "ran")).isEqualTo("ran");
        assertThat(l.beginClose()).isTrue();
        assertThat(l.beginClose()).isFalse();
        l.closed();
        assertThat(l.state()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void wrongStateCallsNameBothStates() {
        SandboxLifecycle l = new SandboxLifecycle("sb2");
        assertThatThrownBy(() -> l.requireRunning("exec"))
                .isInstanceOf(IllegalSandboxStateException.class)
                .hasMessageContaining("sb2").hasMessageContaining("RUNNING").hasMessageContaining("CREATED");
        assertThatThrownBy(() -> l.moveTo(SandboxState.RUNNING)).isInstanceOf(IllegalSandboxStateException.class);
    }

    @Test
    void aFailedSandboxCanStillBeClosed() {
        SandboxLifecycle l = new SandboxLifecycle("sb3");
        l.moveTo(SandboxState.STARTING);
        l.fail();
        assertThat(l.state()).isEqualTo(SandboxState.FAILED);
        assertThat(l.beginClose()).isTrue();
        l.closed();
        l.fail();
        assertThat(l.state()).isEqualTo(SandboxState.STOPPED);
    }
}
