package dev.jkata.agent.protocol.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link YamuxSession} behaves and what it bounds. Build with {@link #builder()}; {@link #defaults()}
 * matches HashiCorp yamux's defaults where the protocol needs it (the 256 KiB initial window) and is
 * stricter elsewhere.
 *
 * @param name                   names the session's threads and log lines
 * @param initialWindowBytes     the window each side assumes for a new stream, in bytes; the yamux spec fixes
 *                               it at 256 KiB, so change it only when both ends are this implementation
 * @param maxWindowBytes         the receive window this side grants each stream, in bytes (at least the
 *                               initial window); the most a stream ever buffers for an unread reader
 * @param maxFrameBytes          the largest data frame accepted, in bytes; larger is a protocol violation.
 *                               Peers such as Go's yamux fill a whole window in one frame, so keep it at
 *                               least {@code maxWindowBytes} to talk to them
 * @param acceptBacklog          streams the peer opened that wait for {@link YamuxSession#accept()}; a
 *                               stream beyond it is refused with RST
 * @param maxInboundStreams      streams the peer may have open at once; one more is refused with RST
 * @param connectionWriteTimeout how long one frame may wait to reach the transport; past it the session
 *                               fails, since the peer no longer reads
 * @param streamWriteTimeout     how long a stream write waits for the peer to grant window before it
 *                               fails with {@link YamuxTimeoutException}
 * @param keepAliveInterval      interval between pings that check the peer is alive; {@link Duration#ZERO}
 *                               (the default) sends none
 *
 * <p>A value out of range is a programming error of the caller (this module has no user-facing configuration):
 * {@link IllegalArgumentException}, naming the field.
 */
public record YamuxConfig(
        String name,
        int initialWindowBytes,
        int maxWindowBytes,
        int maxFrameBytes,
        int acceptBacklog,
        int maxInboundStreams,
        Duration connectionWriteTimeout,
        Duration streamWriteTimeout,
        Duration keepAliveInterval) {

    /** The window the yamux spec gives every new stream. */
    public static final int SPEC_INITIAL_WINDOW_BYTES = 256 * 1024;

    public YamuxConfig {
        Objects.requireNonNull(name, "name");
        positive("initialWindowBytes", initialWindowBytes);
        positive("maxWindowBytes", maxWindowBytes);
        positive("maxFrameBytes", maxFrameBytes);
        if (maxWindowBytes < initialWindowBytes) {
            throw invalid("maxWindowBytes", "must be at least the initial window of " + initialWindowBytes
                    + " bytes, was " + maxWindowBytes);
        }
        if (acceptBacklog < 0) {
            throw invalid("acceptBacklog", "must be at least 0, was " + acceptBacklog);
        }
        if (maxInboundStreams < 0) {
            throw invalid("maxInboundStreams", "must be at least 0 (0: refuse every stream the"
                    + " peer opens), was " + maxInboundStreams);
        }
        positive("connectionWriteTimeout", connectionWriteTimeout);
        positive("streamWriteTimeout", streamWriteTimeout);
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        if (keepAliveInterval.isNegative()) {
            throw invalid("keepAliveInterval", "must not be negative (ZERO turns keep-alive off)");
        }
    }

    /**
     * 256 KiB windows and frames, accept backlog 32, 64 inbound streams (so a hostile peer can make this side
     * buffer at most 16 MiB), 10 s connection and 30 s stream write timeouts, no keep-alive.
     */
    public static YamuxConfig defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    /** Whether keep-alive pings are sent. */
    public boolean keepAlive() { return !keepAliveInterval.isZero(); }

    private static void positive(String field, int bytes) {
        if (bytes <= 0) {
            throw invalid(field, "must be between 1 byte and 2 GiB - 1, was " + bytes);
        }
    }

    private static void positive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isZero() || d.isNegative()) {
            throw invalid(field, "must be positive, was " + d);
        }
    }

    private static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException("yamux " + field + " " + problem);
    }

    /** Builds a {@link YamuxConfig}; every property starts at its default. */
    public static final class Builder {
        private String name = "yamux";
        private int initialWindowBytes = SPEC_INITIAL_WINDOW_BYTES;
        private int maxWindowBytes = SPEC_INITIAL_WINDOW_BYTES;
        private int maxFrameBytes = SPEC_INITIAL_WINDOW_BYTES;
        private int acceptBacklog = 32;
        private int maxInboundStreams = 64;
        private Duration connectionWriteTimeout = Duration.ofSeconds(10);
        private Duration streamWriteTimeout = Duration.ofSeconds(30);
        private Duration keepAliveInterval = Duration.ZERO;

        private Builder() {}

        public Builder name(String name) { this.name = name; return this; }
        public Builder initialWindowBytes(int bytes) { this.initialWindowBytes = bytes; return this; }
        public Builder maxWindowBytes(int bytes) { this.maxWindowBytes = bytes; return this; }
        public Builder maxFrameBytes(int bytes) { this.maxFrameBytes = bytes; return this; }
        public Builder acceptBacklog(int streams) { this.acceptBacklog = streams; return this; }
        public Builder maxInboundStreams(int streams) { this.maxInboundStreams = streams; return this; }
        public Builder connectionWriteTimeout(Duration timeout) { this.connectionWriteTimeout = timeout; return this; }
        public Builder streamWriteTimeout(Duration timeout) { this.streamWriteTimeout = timeout; return this; }
        public Builder keepAliveInterval(Duration interval) { this.keepAliveInterval = interval; return this; }

        public YamuxConfig build() {
            return new YamuxConfig(name, initialWindowBytes, maxWindowBytes, maxFrameBytes, acceptBacklog,
                    maxInboundStreams, connectionWriteTimeout, streamWriteTimeout, keepAliveInterval);
        }
    }
}
