package dev.jkata.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.KataErrorCode;
import dev.jkata.api.KataErrorSource;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each gRPC status an agent can answer lands on both axes once, and never as the caller's configuration. */
class AgentErrorsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static KataException map(Status status, boolean ownDeadlinePassed) {
        return AgentErrors.map("ExecProcess", status.withDescription("why").asRuntimeException(), DEADLINE, ownDeadlinePassed);
    }

    @Test
    void aGuestStateRefusalIsTheGuestsFailedPreconditionNotAConfigurationError() {
        KataException e = map(Status.FAILED_PRECONDITION, false);
        assertThat(e.code()).isEqualTo(KataErrorCode.FAILED_PRECONDITION);
        assertThat(e.source()).isEqualTo(KataErrorSource.GUEST);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("ExecProcess").contains("why");
    }

    @Test
    void everyStatusHasOnePlaceOnBothAxes() {
        for (Status.Code c : Status.Code.values()) {
            if (c == Status.Code.OK) {
                continue;
            }
            KataException e = map(Status.fromCode(c), false);
            assertThat(e.source()).as(c.name()).isNotEqualTo(KataErrorSource.CONFIGURATION);
            assertThat(e.code()).as(c.name()).isNotNull();
        }
        assertThat(map(Status.NOT_FOUND, false).code()).isEqualTo(KataErrorCode.NOT_FOUND);
        assertThat(map(Status.ALREADY_EXISTS, false).code()).isEqualTo(KataErrorCode.ALREADY_EXISTS);
        assertThat(map(Status.INVALID_ARGUMENT, false).source()).isEqualTo(KataErrorSource.AGENT);
        assertThat(map(Status.UNIMPLEMENTED, false).code()).isEqualTo(KataErrorCode.UNIMPLEMENTED);
        assertThat(map(Status.RESOURCE_EXHAUSTED, false).code()).isEqualTo(KataErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void onlyTheHostsOwnDeadlineIsATimeoutAndAGoneAgentIsWorthARetry() {
        KataException own = map(Status.DEADLINE_EXCEEDED, true);
        assertThat(own).isInstanceOf(KataTimeoutException.class);
        assertThat(own.source()).isEqualTo(KataErrorSource.AGENT);
        assertThat(own.retryable()).isTrue();
        KataException sent = map(Status.DEADLINE_EXCEEDED, false);
        assertThat(sent).isNotInstanceOf(KataTimeoutException.class);
        assertThat(sent.source()).isEqualTo(KataErrorSource.GUEST);
        KataException gone = map(Status.UNAVAILABLE, false);
        assertThat(gone.code()).isEqualTo(KataErrorCode.UNAVAILABLE);
        assertThat(gone.retryable()).isTrue();
    }
}
