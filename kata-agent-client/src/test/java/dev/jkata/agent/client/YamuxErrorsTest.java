package dev.jkata.agent.client;

import dev.jkata.agent.protocol.yamux.YamuxExhaustedException;
import dev.jkata.agent.protocol.yamux.YamuxProtocolException;
import dev.jkata.agent.protocol.yamux.YamuxSessionClosedException;
import dev.jkata.agent.protocol.yamux.YamuxStreamResetException;
import dev.jkata.agent.protocol.yamux.YamuxTimeoutException;
import dev.jkata.api.KataErrorCode;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataErrorSource;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class YamuxErrorsTest {

    @Test
    void aDeadlineIsTheAgentsTimeoutAndKeepsItsDuration() {
        YamuxTimeoutException cause = new YamuxTimeoutException("yamux ping: the peer did not answer", Duration.ofMillis(200));
        KataException e = YamuxErrors.map("ping", cause);
        assertThat(e).isInstanceOf(KataTimeoutException.class).hasCause(cause);
        assertThat(e.code()).isEqualTo(KataErrorCode.DEADLINE_EXCEEDED);
        assertThat(e.source()).isEqualTo(KataErrorSource.AGENT);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aProtocolViolationIsTheGuestsAndNotRetryable() {
        KataException e = YamuxErrors.map("read", new YamuxProtocolException("bad version 1"));
        assertThat(e.reason()).isEqualTo(KataErrorReason.PROTOCOL_VIOLATION);
        assertThat(e.source()).isEqualTo(KataErrorSource.GUEST);
        assertThat(e.retryable()).isFalse();
        assertThat(e).hasMessageContaining("read").hasMessageContaining("bad version 1");
    }

    @Test
    void aClosedSessionOrResetStreamIsAnUnavailableAgent() {
        for (var cause : new RuntimeException[] {new YamuxSessionClosedException("go-away"),
                new YamuxStreamResetException("reset by the peer")}) {
            KataException e = YamuxErrors.map("open", (dev.jkata.agent.protocol.yamux.YamuxException) cause);
            assertThat(e.reason()).isEqualTo(KataErrorReason.IO);
            assertThat(e.code()).isEqualTo(KataErrorCode.UNAVAILABLE);
            assertThat(e.source()).isEqualTo(KataErrorSource.AGENT);
            assertThat(e).hasCause(cause);
        }
    }

    @Test
    void exhaustedStreamIdsAreAResourceLimit() {
        KataException e = YamuxErrors.map("open", new YamuxExhaustedException("no stream ids left"));
        assertThat(e.code()).isEqualTo(KataErrorCode.RESOURCE_EXHAUSTED);
        assertThat(e.reason()).isEqualTo(KataErrorReason.ILLEGAL_STATE);
    }
}
