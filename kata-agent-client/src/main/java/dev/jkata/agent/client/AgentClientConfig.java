package dev.jkata.agent.client;

import dev.jkata.api.MemorySize;
import java.time.Duration;

/**
 * Limits and deadlines of an {@link AgentClient}.
 *
 * @param callDeadline the deadline of an ordinary call (create, start, signal, write, ...)
 * @param longPollDeadline the deadline of the calls that wait for the guest (ReadStdout, WaitProcess);
 *        a sandbox's close cancels them sooner
 * @param maxMessage the largest gRPC message accepted from the guest
 */
public record AgentClientConfig(Duration callDeadline, Duration longPollDeadline, MemorySize maxMessage) {

    public static AgentClientConfig defaults() {
        return new AgentClientConfig(Duration.ofSeconds(30), Duration.ofHours(24), MemorySize.ofMiB(4));
    }
}
