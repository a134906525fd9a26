package dev.jkata.api.spi;

import dev.jkata.api.IllegalSandboxStateException;
import dev.jkata.api.SandboxState;

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

    @Test
    void aCloseWaitsForAnOperationUnderWayAndLetsNoNewOneStart() throws Exception {
        SandboxLifecycle l = new SandboxLifecycle("sb4");
        l.moveTo(SandboxState.STARTING);
        l.moveTo(SandboxState.RUNNING);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread op = new Thread(() -> l.whileRunning("exec", () -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            order.add("exec done");
            return null;
        }));
        op.start();
        inside.await();
        // a second operation runs beside the first: the state lock is not held while an action runs
        assertThat(l.whileRunning("exec", () -> "beside")).isEqualTo("beside");
        assertThat(l.operationsInFlight()).isEqualTo(1);
        Thread closer = new Thread(() -> {
            l.beginClose();
            order.add("close began");
        });
        closer.start();
        while (l.state() != SandboxState.STOPPING) {
            Thread.sleep(5);
        }
        assertThatThrownBy(() -> l.whileRunning("exec", () -> "late"))
                .isInstanceOf(IllegalSandboxStateException.class).hasMessageContaining("STOPPING");
        Thread.sleep(100);
        assertThat(order).as("the close waits for the exec under way").isEmpty();
        release.countDown();
        op.join(5000);
        closer.join(5000);
        assertThat(order).containsExactly("exec done", "close began");
        assertThat(l.operationsInFlight()).isZero();
    }
}
