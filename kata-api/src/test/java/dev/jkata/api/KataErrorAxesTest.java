package dev.jkata.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The two axes of every error: what happened (with whether a retry helps) and which part. */
class KataErrorAxesTest {

    @Test
    void everyReasonHasACodeAndASource() {
        for (KataErrorReason r : KataErrorReason.values()) {
            KataException e = new KataException(r, "x");
            assertThat(e.code()).as(r.name()).isEqualTo(r.code()).isNotNull();
            assertThat(e.source()).as(r.name()).isEqualTo(r.source()).isNotNull();
        }
    }

    @Test
    void onlyDeadlinesUnavailablePeersAndExhaustedLimitsAreWorthARetry() {
        EnumSet<KataErrorCode> retryable = EnumSet.noneOf(KataErrorCode.class);
        for (KataErrorCode c : KataErrorCode.values()) {
            if (c.retryable()) {
                retryable.add(c);
            }
        }
        assertThat(retryable).containsExactlyInAnyOrder(KataErrorCode.DEADLINE_EXCEEDED, KataErrorCode.UNAVAILABLE,
                KataErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void theCallersMistakesAreTheConfigurationsAndTheRestIsNot() {
        InvalidConfigurationException bad = new InvalidConfigurationException("memory", "too small");
        assertThat(bad.code()).isEqualTo(KataErrorCode.INVALID_ARGUMENT);
        assertThat(bad.source()).isEqualTo(KataErrorSource.CONFIGURATION);
        assertThat(bad.retryable()).isFalse();
        assertThat(new KataException(KataErrorReason.ILLEGAL_STATE, "closed").source()).isEqualTo(KataErrorSource.HOST);
        assertThat(new KataException(KataErrorReason.PROTOCOL_VIOLATION, "bad frame").source()).isEqualTo(KataErrorSource.GUEST);
    }

    @Test
    void anExceptionMaySayMorePreciselyThanItsReason() {
        KataException e = new KataException(KataErrorReason.AGENT_FAILED, KataErrorCode.FAILED_PRECONDITION,
                KataErrorSource.GUEST, "container is paused", "sb1", null);
        assertThat(e.reason()).isEqualTo(KataErrorReason.AGENT_FAILED);
        assertThat(e.code()).isEqualTo(KataErrorCode.FAILED_PRECONDITION);
        assertThat(e.source()).isEqualTo(KataErrorSource.GUEST);
        assertThat(e.sandboxId()).hasValue("sb1");
        KataTimeoutException t = new KataTimeoutException(KataErrorSource.HYPERVISOR, "QMP did not answer", Duration.ofSeconds(3), null);
        assertThat(t.code()).isEqualTo(KataErrorCode.DEADLINE_EXCEEDED);
        assertThat(t.source()).isEqualTo(KataErrorSource.HYPERVISOR);
        assertThat(t.retryable()).isTrue();
    }
}
