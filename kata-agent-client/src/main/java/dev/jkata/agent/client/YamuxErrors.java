package dev.jkata.agent.client;

import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxExhaustedException;
import dev.jkata.agent.protocol.yamux.YamuxProtocolException;
import dev.jkata.agent.protocol.yamux.YamuxTimeoutException;
import dev.jkata.api.KataErrorCode;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataErrorSource;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;

/**
 * Where yamux's own exceptions become {@link KataException}s: once, at the edge of the protocol module, as
 * {@link AgentErrors} does for gRPC statuses. Yamux carries the agent's traffic, so the source is the agent.
 */
public final class YamuxErrors {
    private YamuxErrors() {}

    /** The user-facing exception for {@code e}, which stays its cause; {@code operation} says what was being done. */
    public static KataException map(String operation, YamuxException e) {
        String message = operation + ": " + e.getMessage();
        if (e instanceof YamuxTimeoutException t) {
            return new KataTimeoutException(KataErrorSource.AGENT, operation, t.timeout(), e);
        }
        if (e instanceof YamuxProtocolException) {
            return new KataException(KataErrorReason.PROTOCOL_VIOLATION, message, null, e);
        }
        if (e instanceof YamuxExhaustedException) {
            return new KataException(KataErrorReason.ILLEGAL_STATE, KataErrorCode.RESOURCE_EXHAUSTED,
                    KataErrorSource.AGENT, message, null, e);
        }
        // closed, reset or failed: the channel to the agent is gone
        return new KataException(KataErrorReason.IO, KataErrorCode.UNAVAILABLE, KataErrorSource.AGENT, message, null, e);
    }
}
