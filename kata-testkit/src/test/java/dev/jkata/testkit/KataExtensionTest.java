package dev.jkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.SandboxState;
import dev.jkata.testkit.fake.FakeSandbox;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small scenario classes through the Jupiter engine and checks what the extension injected, and that
 * every sandbox it started was closed, including after failures and aborted classes. The scenarios use fake
 * sandboxes, so no VM boots.
 */
class KataExtensionTest {
    /** Every sandbox a scenario saw, in order. */
    static final Queue<Sandbox> SEEN = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    private static EngineExecutionResults run(Class<?> scenario, Map<String, String> config) {
        return EngineTestKit.engine("junit-jupiter").configurationParameters(config).selectors(selectClass(scenario)).execute();
    }

    private static EngineExecutionResults run(Class<?> scenario) {
        return run(scenario, Map.of());
    }

    private static void assertAllClosed() {
        assertThat(SEEN).isNotEmpty().allSatisfy(sb -> {
            assertThat(sb.state()).isEqualTo(SandboxState.STOPPED);
            assertThat(((FakeSandbox) sb).directory()).doesNotExist();
        });
    }

    private static Throwable failure(Events events) {
        Event e = events.failed().list().get(0);
        return e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    // ---- scenarios -------------------------------------------------------------------------------------

    @KataTest
    static class StaticFieldScenario {
        @KataSandbox(fake = Fake.HOST)
        static Sandbox shared;

        @Test
        void first() throws Exception {
            SEEN.add(shared);
            assertThat(shared.run("echo", "one").stdout()).isEqualTo("one\n");
        }

        @Test
        void second() {
            SEEN.add(shared);
            assertThat(shared.state()).isEqualTo(SandboxState.RUNNING);
        }
    }

    @KataTest
    static class AgentFakeScenario {
        @KataSandbox(fake = Fake.AGENT, env = "WHERE=agent")
        static Sandbox shared;

        @Test
        void throughTheAgent(@KataSandbox(fake = Fake.AGENT) Sandbox own) throws Exception {
            SEEN.add(shared);
            SEEN.add(own);
            assertThat(shared.run("sh", "-c", "echo $WHERE").stdout()).isEqualTo("agent\n");
            assertThat(own.run("no-such-program-jkata").exitCode()).isEqualTo(127);
            assertThat(shared).isNotInstanceOf(FakeSandbox.class);
        }
    }

    @KataTest
    static class InstanceFieldScenario {
        @KataSandbox(fake = Fake.HOST, env = {"GREETING=hi", "EMPTY="})
        private Sandbox mine;

        @Test
        void first() throws Exception {
            SEEN.add(mine);
            assertThat(mine.run("sh", "-c", "echo $GREETING-$EMPTY-").stdout()).isEqualTo("hi--\n");
        }

        @Test
        void second() {
            SEEN.add(mine);
            assertThat(mine.state()).isEqualTo(SandboxState.RUNNING);
        }
    }

    @KataTest
    static class ParameterScenario {
        @Test
        void injected(@KataSandbox(fake = Fake.HOST, env = "A=1") Sandbox sb) throws Exception {
            SEEN.add(sb);
            assertThat(sb.run("sh", "-c", "echo $A").stdout()).isEqualTo("1\n");
        }
    }

    @KataTest
    static class FailingScenario {
        @KataSandbox(fake = Fake.HOST)
        static Sandbox shared;
        @KataSandbox(fake = Fake.HOST)
        Sandbox mine;

        @Test
        void fails() {
            SEEN.add(shared);
            SEEN.add(mine);
            throw new AssertionError("on purpose");
        }
    }

    @KataTest
    static class AbortedClassScenario {
        @KataSandbox(fake = Fake.HOST)
        static Sandbox shared;

        @BeforeAll
        static void abort() {
            SEEN.add(shared);
            throw new IllegalStateException("class set-up failed on purpose");
        }

        @Test
        void neverRuns() {
            throw new AssertionError("must not run");
        }
    }

    @KataTest
    static class BuilderMethodScenario {
        @KataSandbox(fake = Fake.HOST, builder = "big")
        static Sandbox big;
        @KataSandbox(fake = Fake.HOST, builder = "perTest")
        Sandbox perTest;

        static SandboxBuilder big() {
            return Sandbox.builder().memory(MemorySize.ofGiB(1)).cpus(2).env("FROM", "builder");
        }

        SandboxBuilder perTest() {
            return Sandbox.builder().env("FROM", "instance");
        }

        @Test
        void configuredByTheBuilder() throws Exception {
            SEEN.add(big);
            SEEN.add(perTest);
            assertThat(((FakeSandbox) big).spec().memory()).isEqualTo(MemorySize.ofGiB(1));
            assertThat(((FakeSandbox) big).spec().cpus()).isEqualTo(2);
            assertThat(big.run("sh", "-c", "echo $FROM").stdout()).isEqualTo("builder\n");
            assertThat(perTest.run("sh", "-c", "echo $FROM").stdout()).isEqualTo("instance\n");
        }
    }

    @KataTest
    static class ClashingBuilderScenario {
        @KataSandbox(fake = Fake.HOST, builder = "config", memory = "1G")
        static Sandbox sb;

        static SandboxBuilder config() {
            return Sandbox.builder();
        }

        @Test
        void neverRuns() {
        }
    }

    @KataTest
    static class StartFailureScenario {
        @KataSandbox(fake = Fake.HOST, memory = "64M")
        Sandbox tooSmall;

        @Test
        void failsWithTheReason() {
        }
    }

    @KataTest
    static class DiskAndDeadlineScenario {
        @Test
        void taken(@KataSandbox(fake = Fake.HOST, disk = "1G", deadlineSeconds = 600) Sandbox sb) throws Exception {
            assertThat(sb.run("echo", "ok").stdout()).isEqualTo("ok\n");
        }

        @Test
        void aBadDiskIsSaid(@KataSandbox(fake = Fake.HOST, disk = "lots") Sandbox sb) {
        }
    }

    @KataTest
    static class WrongTypeScenario {
        @KataSandbox(fake = Fake.HOST)
        static String notASandbox;

        @Test
        void neverRuns() {
        }
    }

    @KataTest
    static class AcceleratorScenario {
        @KataSandbox(fake = Fake.HOST)
        static Sandbox sb;

        @Test
        void record() {
            SEEN.add(sb);
        }
    }

    @KataTest
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelScenario {
        @KataSandbox(fake = Fake.HOST)
        Sandbox mine;

        void use() throws Exception {
            SEEN.add(mine);
            assertThat(mine.run("sh", "-c", "sleep 0.2; echo ok").stdout()).isEqualTo("ok\n");
        }

        @Test void a() throws Exception { use(); }
        @Test void b() throws Exception { use(); }
        @Test void c() throws Exception { use(); }
        @Test void d() throws Exception { use(); }
        @Test void e() throws Exception { use(); }
        @Test void f() throws Exception { use(); }
    }

    @KataTest
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassScenario {
        @KataSandbox(fake = Fake.HOST)
        Sandbox mine;

        @Test void a() { SEEN.add(mine); }
        @Test void b() { SEEN.add(mine); }
    }

    @KataTest
    static class NestedScenario {
        @KataSandbox(fake = Fake.HOST)
        Sandbox outer;

        @Nested
        class Inner {
            @KataSandbox(fake = Fake.HOST)
            Sandbox inner;

            @Test
            void seesBoth() {
                SEEN.add(outer);
                SEEN.add(inner);
            }
        }
    }

    // ---- tests -----------------------------------------------------------------------------------------

    @Test
    void aStaticFieldIsOneSandboxForTheClassClosedAfterIt() {
        run(StaticFieldScenario.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.stream().distinct()).hasSize(1);
        assertAllClosed();
    }

    @Test
    void theAgentFakeRunsThroughTheRealAgentAndIsClosed() {
        run(AgentFakeScenario.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates()
                .allSatisfy(sb -> assertThat(sb.state()).isEqualTo(SandboxState.STOPPED));
    }

    @Test
    void anInstanceFieldIsOneSandboxPerTestWithTheAnnotationsEnvironment() {
        run(InstanceFieldScenario.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN.stream().distinct()).hasSize(2);
        assertAllClosed();
    }

    @Test
    void aParameterIsInjectedAndClosedAfterItsMethod() {
        run(ParameterScenario.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(SEEN).hasSize(1);
        assertAllClosed();
    }

    @Test
    void sandboxesAreClosedWhenATestFails() {
        Events tests = run(FailingScenario.class).testEvents();
        tests.assertStatistics(s -> s.started(1).failed(1));
        assertThat(failure(tests)).hasMessage("on purpose");
        assertThat(SEEN).hasSize(2);
        assertAllClosed();
    }

    @Test
    void aClassSandboxIsClosedWhenTheClassAborts() {
        EngineExecutionResults results = run(AbortedClassScenario.class);
        results.testEvents().assertStatistics(s -> s.started(0));
        assertThat(failure(results.containerEvents())).hasMessageContaining("on purpose");
        assertThat(SEEN).hasSize(1);
        assertAllClosed();
    }

    @Test
    void aBuilderMethodConfiguresTheSandbox() {
        run(BuilderMethodScenario.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertAllClosed();
    }

    @Test
    void aBuilderMethodWithOtherAttributesIsAConfigurationError() {
        EngineExecutionResults results = run(ClashingBuilderScenario.class);
        assertThat(failure(results.containerEvents())).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("ClashingBuilderScenario.sb").hasMessageContaining("[memory]");
    }

    @Test
    void aSandboxThatCannotStartFailsTheTestWithTheReasonAndNeverSkipsIt() {
        Events tests = run(StartFailureScenario.class).testEvents();
        tests.assertStatistics(s -> s.started(1).failed(1).skipped(0).aborted(0));
        Throwable t = failure(tests);
        assertThat(t).isInstanceOf(KataException.class).hasMessageContaining("StartFailureScenario.tooSmall")
                .hasMessageContaining("memory").hasMessageContaining("128M");
        assertThat(((KataException) t).reason()).isEqualTo(KataErrorReason.INVALID_CONFIGURATION);
    }

    @Test
    void aDiskAndADeadlineAreTakenAndABadDiskSizeIsSaid() {
        Events tests = run(DiskAndDeadlineScenario.class).testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertThat(failure(tests)).hasMessageContaining("@KataSandbox(disk)").hasMessageContaining("not a memory size: 'lots'");
    }

    @Test
    void aFieldOfAnotherTypeIsAConfigurationError() {
        assertThat(failure(run(WrongTypeScenario.class).containerEvents())).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("must be of type Sandbox");
    }

    @Test
    void requiringKvmStartsEverySandboxWithTheKvmAccelerator() {
        run(AcceleratorScenario.class, Map.of(KvmRequirement.PROPERTY, "true")).testEvents()
                .assertStatistics(s -> s.succeeded(1));
        run(AcceleratorScenario.class).testEvents().assertStatistics(s -> s.succeeded(1));
        List<String> accelerators = SEEN.stream().map(sb -> ((FakeSandbox) sb).spec().accelerator().toString()).toList();
        assertThat(accelerators).containsExactly("kvm", "auto");
        assertAllClosed();
    }

    @Test
    void kvmIsRequiredByThePropertyOrElseTheEnvironment() {
        assertThat(KvmRequirement.required(java.util.Optional.empty(), java.util.Optional.empty())).isFalse();
        assertThat(KvmRequirement.required(java.util.Optional.of("true"), java.util.Optional.empty())).isTrue();
        assertThat(KvmRequirement.required(java.util.Optional.empty(), java.util.Optional.of("1"))).isTrue();
        assertThat(KvmRequirement.required(java.util.Optional.of("false"), java.util.Optional.of("1"))).isFalse();
        assertThat(KvmRequirement.required(java.util.Optional.empty(), java.util.Optional.of("0"))).isFalse();
    }

    @Test
    void concurrentTestsEachGetAndCloseTheirOwnSandbox() {
        Map<String, String> parallel = Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
        long t0 = System.nanoTime();
        run(ParallelScenario.class, parallel).testEvents().assertStatistics(s -> s.started(6).succeeded(6));
        assertThat(SEEN.stream().distinct()).hasSize(6);
        assertAllClosed();
        System.out.printf("[testkit] 6 concurrent tests with their own fake sandboxes: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void perClassLifecycleSharesTheInstanceFieldsSandbox() {
        run(PerClassScenario.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN.stream().distinct()).hasSize(1);
        assertAllClosed();
    }

    @Test
    void nestedTestsGetTheEnclosingInstancesSandboxesToo() {
        run(NestedScenario.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(SEEN).hasSize(2).doesNotContainNull();
        assertThat(SEEN.stream().distinct()).hasSize(2);
        assertAllClosed();
    }
}
