package dev.jkata.agent.client;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;

/** The one place gRPC statuses from the agent become this library's typed exceptions. */
final class AgentErrors {
    private AgentErrors() {}

    static KataException map(String operation, StatusRuntimeException e, Duration deadline) {
        Status s = e.getStatus();
        String what = operation + " failed: " + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> new KataTimeoutException("the agent did not answer " + operation, deadline, e);
            case NOT_FOUND -> new KataException(KataErrorReason.NOT_FOUND, what, e);
            case UNAVAILABLE, CANCELLED -> new KataException(KataErrorReason.AGENT_FAILED,
                    what + " (the agent connection is gone: the VM stopped or the sandbox is closing)", e);
            case INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE ->
                    new KataException(KataErrorReason.INVALID_CONFIGURATION, what, e);
            case RESOURCE_EXHAUSTED -> new KataException(KataErrorReason.PROTOCOL_VIOLATION,
                    what + " (a message over the size limit)", e);
            default -> new KataException(KataErrorReason.AGENT_FAILED, what, e);
        };
    }

    /** Kata 1.x agents end a ReadStdout/ReadStderr stream with an error whose text is "EOF". */
    static boolean isEndOfStream(StatusRuntimeException e) {
        Status s = e.getStatus();
        String d = s.getDescription() == null ? "" : s.getDescription();
        return s.getCode() == Status.Code.OUT_OF_RANGE || d.equals("EOF") || d.endsWith(": EOF");
    }
}
