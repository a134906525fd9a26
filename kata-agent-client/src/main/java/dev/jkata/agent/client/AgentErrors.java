package dev.jkata.agent.client;

import dev.jkata.api.KataErrorCode;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataErrorSource;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;

/**
 * The one place gRPC statuses from the agent become this library's typed exceptions. The guest is hostile: its
 * status picks only among the agent's own reasons (a refusal is AGENT_FAILED, never the INVALID_CONFIGURATION kept
 * for the caller's own mistakes), and its description is cut to {@value #MAX_DESCRIPTION} printable characters.
 */
final class AgentErrors {
    static final int MAX_DESCRIPTION = 512;

    private AgentErrors() {}

    /** The guest's text, made safe for a message and a log line: printable, one line, bounded. */
    static String describe(String guestText) {
        if (guestText == null) {
            return "";
        }
        String t = guestText.length() > MAX_DESCRIPTION ? guestText.substring(0, MAX_DESCRIPTION) + "..." : guestText;
        return t.replaceAll("[\\p{Cntrl}\\p{Cf}\\u2028\\u2029]", "?");
    }

    /**
     * @param ownDeadlinePassed whether the host's own deadline for the call had run out: a DEADLINE_EXCEEDED before
     *                          that was sent by the guest, and is the agent's failure, not a timeout
     */
    static KataException map(String operation, StatusRuntimeException e, Duration deadline, boolean ownDeadlinePassed) {
        Status s = e.getStatus();
        String what = operation + " failed: " + s.getCode() + (s.getDescription() == null ? "" : ": " + describe(s.getDescription()));
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> ownDeadlinePassed
                    ? new KataTimeoutException(KataErrorSource.AGENT, "the agent did not answer " + operation, deadline, e)
                    : agent(KataErrorReason.AGENT_FAILED, KataErrorCode.DEADLINE_EXCEEDED, KataErrorSource.GUEST,
                    what + " (sent by the agent, before the host's deadline of " + deadline.toMillis() + " ms)", e);
            case NOT_FOUND -> agent(KataErrorReason.NOT_FOUND, KataErrorCode.NOT_FOUND, KataErrorSource.GUEST, what, e);
            case UNAVAILABLE, CANCELLED -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.UNAVAILABLE, KataErrorSource.AGENT,
                    what + " (the agent connection is gone: the VM stopped or the sandbox is closing)", e);
            // what the guest refuses is the guest's state or the request's shape, never the caller's configuration
            case INVALID_ARGUMENT, OUT_OF_RANGE -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.INVALID_ARGUMENT,
                    KataErrorSource.AGENT, "the agent refused: " + what, e);
            case FAILED_PRECONDITION -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.FAILED_PRECONDITION,
                    KataErrorSource.GUEST, "the agent refused: " + what, e);
            case ALREADY_EXISTS -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.ALREADY_EXISTS, KataErrorSource.GUEST,
                    "the agent refused: " + what, e);
            case RESOURCE_EXHAUSTED -> agent(KataErrorReason.PROTOCOL_VIOLATION, KataErrorCode.RESOURCE_EXHAUSTED,
                    KataErrorSource.GUEST, what + " (a message over the size limit)", e);
            case UNIMPLEMENTED -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.UNIMPLEMENTED, KataErrorSource.AGENT, what, e);
            default -> agent(KataErrorReason.AGENT_FAILED, KataErrorCode.INTERNAL, KataErrorSource.AGENT, what, e);
        };
    }

    private static KataException agent(KataErrorReason reason, KataErrorCode code, KataErrorSource source, String what,
                                       Throwable cause) {
        return new KataException(reason, code, source, what, null, cause);
    }

    /** Kata 1.x agents end a ReadStdout/ReadStderr stream with an error whose text is "EOF". */
    static boolean isEndOfStream(StatusRuntimeException e) {
        Status s = e.getStatus();
        String d = s.getDescription() == null ? "" : s.getDescription();
        return s.getCode() == Status.Code.OUT_OF_RANGE || d.equals("EOF") || d.endsWith(": EOF");
    }
}
