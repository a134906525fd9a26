package dev.jkata.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.PublishedPort;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxSpec;
import dev.jkata.api.SandboxState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final SandboxPool pool = new SandboxPool();
    private final List<Stub> started = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    @AfterEach
    void drain() {
        pool.drain();
        assertThat(started).as("every sandbox the pool started and did not hand out is closed")
                .allMatch(s -> s.closed || s.handedOut);
    }

    private Sandbox startStub(SandboxSpec spec) {
        Stub s = new Stub("s" + ids.incrementAndGet());
        started.add(s);
        return s;
    }

    private static SandboxSpec spec(int pool, int cpus) {
        return Sandbox.builder().pool(pool).cpus(cpus).toSpec();
    }

    private Sandbox take(SandboxSpec spec) {
        Stub s = (Stub) pool.start(spec, this::startStub, this::startStub, sb -> !((Stub) sb).broken);
        s.handedOut = true;
        return s;
    }

    @Test
    void withoutAPoolEveryStartStartsAndNothingIsKept() throws InterruptedException {
        SandboxSpec spec = spec(0, 1);
        take(spec);
        take(spec);
        Thread.sleep(200);
        assertThat(started).hasSize(2);
        assertThat(pool.ready(spec)).isZero();
    }

    @Test
    void aStartFillsThePoolAndTheNextStartTakesFromIt() throws InterruptedException {
        SandboxSpec spec = spec(2, 1);
        Sandbox first = take(spec);
        assertThat(pool.awaitReady(spec, 2, WAIT)).isTrue();
        assertThat(started).hasSize(3);
        Sandbox second = take(spec);
        assertThat(second).as("taken from the pool, started before it was asked for").isSameAs(started.get(1));
        assertThat(second).isNotSameAs(first);
        assertThat(pool.awaitReady(spec, 2, WAIT)).as("filled again").isTrue();
        assertThat(started).hasSize(4);
    }

    @Test
    void anEqualSpecSharesThePoolAnotherDoesNot() throws InterruptedException {
        SandboxSpec one = spec(1, 1);
        take(one);
        assertThat(pool.awaitReady(one, 1, WAIT)).isTrue();
        Sandbox pooled = started.get(1);
        assertThat(take(spec(1, 2))).as("another configuration").isNotSameAs(pooled);
        assertThat(take(spec(1, 1))).as("an equal spec built anew").isSameAs(pooled);
    }

    @Test
    void aPooledSandboxTheTakerRefusesIsClosedAndAnotherIsUsed() throws InterruptedException {
        SandboxSpec spec = spec(1, 1);
        take(spec);
        assertThat(pool.awaitReady(spec, 1, WAIT)).isTrue();
        Stub pooled = started.get(1);
        pooled.broken = true;
        Sandbox got = take(spec);
        assertThat(got).isNotSameAs(pooled);
        assertThat(pooled.closed).as("the refused one is closed").isTrue();
    }

    @Test
    void aFailingFillIsNotRetriedUntilTheNextStart() throws InterruptedException {
        SandboxSpec spec = spec(3, 1);
        AtomicInteger calls = new AtomicInteger();
        SandboxPool.Starter failing = s -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("no more guests");
            }
            return startStub(s);
        };
        ((Stub) pool.start(spec, failing, failing, sb -> true)).handedOut = true;
        Thread.sleep(500);
        assertThat(calls.get()).as("the caller's start and one failed fill").isEqualTo(2);
        assertThat(pool.ready(spec)).isZero();
    }

    @Test
    void drainClosesWhatThePoolHolds() throws InterruptedException {
        SandboxSpec spec = spec(3, 1);
        take(spec);
        assertThat(pool.awaitReady(spec, 3, WAIT)).isTrue();
        assertThat(pool.drain()).isEqualTo(3);
        assertThat(pool.ready(spec)).isZero();
        assertThat(started.subList(1, 4)).allMatch(s -> s.closed);
    }

    @Test
    void theWholePoolIsBounded() throws InterruptedException {
        for (int cpus = 1; cpus <= 2; cpus++) {
            take(spec(8, cpus));
            assertThat(pool.awaitReady(spec(8, cpus), 8, WAIT)).isTrue();
        }
        take(spec(8, 3));
        Thread.sleep(300);
        int ready = pool.ready(spec(8, 1)) + pool.ready(spec(8, 2)) + pool.ready(spec(8, 3));
        assertThat(ready).isEqualTo(SandboxPool.MAX_TOTAL);
    }

    @Test
    void theBuilderBoundsThePoolAndRefusesFixedHostPorts() {
        assertThatThrownBy(() -> spec(-1, 1)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("pool");
        assertThatThrownBy(() -> spec(9, 1)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("pool");
        assertThatThrownBy(() -> Sandbox.builder().pool(1).publish(PublishedPort.parse("8080:80")).toSpec())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("pool").hasMessageContaining("8080");
        assertThat(Sandbox.builder().pool(1).publish(80).toSpec().pool()).isEqualTo(1);
    }

    /** A sandbox that only records whether it was closed. */
    private static final class Stub implements Sandbox {
        private final String id;
        volatile boolean closed;
        volatile boolean broken;
        volatile boolean handedOut;

        Stub(String id) { this.id = id; }

        @Override public String id() { return id; }
        @Override public SandboxState state() { return closed ? SandboxState.STOPPED : SandboxState.RUNNING; }
        @Override public Container container() { throw new UnsupportedOperationException(); }
        @Override public Container createContainer(ContainerSpec spec) { throw new UnsupportedOperationException(); }
        @Override public List<Container> containers() { return List.of(); }
        @Override public InetSocketAddress publishedAddress(int guestPort) { throw new UnsupportedOperationException(); }
        @Override public Duration bootTime() { return Duration.ZERO; }
        @Override public void close() { closed = true; }
    }
}
