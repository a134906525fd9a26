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

    /**
     * 30 s per call, 24 h per long poll (asked again when it runs out), 4 MiB per message; the system properties
     * {@code kata.agent.callDeadline} and {@code kata.agent.longPollDeadline} (ISO-8601 durations such as {@code PT5S})
     * change the deadlines.
     */
    public static AgentClientConfig defaults() {
        return new AgentClientConfig(duration("kata.agent.callDeadline", Duration.ofSeconds(30)),
                duration("kata.agent.longPollDeadline", Duration.ofHours(24)), MemorySize.ofMiB(4));
    }

    private static Duration duration(String property, Duration fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(v.trim());
            if (d.isNegative() || d.isZero()) {
                throw new java.time.format.DateTimeParseException("not positive", v, 0);
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new dev.jkata.api.InvalidConfigurationException(property, "'" + v + "' is not a positive ISO-8601"
                    + " duration such as PT30S");
        }
    }
}
