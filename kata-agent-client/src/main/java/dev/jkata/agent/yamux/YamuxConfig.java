package dev.jkata.agent.yamux;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.MemorySize;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link YamuxSession} behaves and what it bounds. Build with {@link #builder()}; {@link #defaults()}
 * matches HashiCorp yamux's defaults where the protocol needs it (the 256 KiB initial window) and is
 * stricter elsewhere.
 *
 * @param name                   names the session's threads and log lines
 * @param initialStreamWindow    the window each side assumes for a new stream; the yamux spec fixes it at
 *                               256 KiB, so change it only when both ends are this implementation
 * @param maxStreamWindow        the receive window this side grants each stream (at least the initial
 *                               window); the most a stream ever buffers for an unread reader
 * @param maxFrameDataLength     the largest data frame accepted; larger is a protocol violation. Peers
 *                               such as Go's yamux fill a whole window in one frame, so keep it at least
 *                               {@code maxStreamWindow} to talk to them
 * @param acceptBacklog          streams the peer opened that wait for {@link YamuxSession#accept()}; a
 *                               stream beyond it is refused with RST
 * @param maxInboundStreams      streams the peer may have open at once; one more is refused with RST
 * @param connectionWriteTimeout how long one frame may wait to reach the transport; past it the session
 *                               fails, since the peer no longer reads
 * @param streamWriteTimeout     how long a stream write waits for the peer to grant window before it
 *                               fails with {@link dev.jkata.api.KataTimeoutException}
 * @param keepAliveInterval      interval between pings that check the peer is alive; {@link Duration#ZERO}
 *                               (the default) sends none
 */
public record YamuxConfig(
        String name,
        MemorySize initialStreamWindow,
        MemorySize maxStreamWindow,
        MemorySize maxFrameDataLength,
        int acceptBacklog,
        int maxInboundStreams,
        Duration connectionWriteTimeout,
        Duration streamWriteTimeout,
        Duration keepAliveInterval) {

    /** The window the yamux spec gives every new stream. */
    public static final MemorySize SPEC_INITIAL_WINDOW = MemorySize.ofKiB(256);

    private static final long MAX_WINDOW = Integer.MAX_VALUE;

    public YamuxConfig {
        Objects.requireNonNull(name, "name");
        positive("initialStreamWindow", initialStreamWindow);
        positive("maxStreamWindow", maxStreamWindow);
        positive("maxFrameDataLength", maxFrameDataLength);
        if (maxStreamWindow.compareTo(initialStreamWindow) < 0) {
            throw new InvalidConfigurationException("maxStreamWindow",
                    "must be at least the initial window " + initialStreamWindow + ", was " + maxStreamWindow);
        }
        if (acceptBacklog < 0) {
            throw new InvalidConfigurationException("acceptBacklog", "must be at least 0, was " + acceptBacklog);
        }
        if (maxInboundStreams < 0) {
            throw new InvalidConfigurationException("maxInboundStreams", "must be at least 0 (0: refuse every stream the"
                    + " peer opens), was " + maxInboundStreams);
        }
        positive("connectionWriteTimeout", connectionWriteTimeout);
        positive("streamWriteTimeout", streamWriteTimeout);
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        if (keepAliveInterval.isNegative()) {
            throw new InvalidConfigurationException("keepAliveInterval", "must not be negative (ZERO turns keep-alive off)");
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

    int initialWindowBytes() { return (int) initialStreamWindow.toBytes(); }

    int maxWindowBytes() { return (int) maxStreamWindow.toBytes(); }

    int maxFrameBytes() { return (int) maxFrameDataLength.toBytes(); }

    private static void positive(String field, MemorySize size) {
        Objects.requireNonNull(size, field);
        if (size.isZero() || size.toBytes() > MAX_WINDOW) {
            throw new InvalidConfigurationException(field, "must be between 1 byte and 2 GiB - 1, was " + size);
        }
    }

    private static void positive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigurationException(field, "must be positive, was " + d);
        }
    }

    /** Builds a {@link YamuxConfig}; every property starts at its default. */
    public static final class Builder {
        private String name = "yamux";
        private MemorySize initialStreamWindow = SPEC_INITIAL_WINDOW;
        private MemorySize maxStreamWindow = SPEC_INITIAL_WINDOW;
        private MemorySize maxFrameDataLength = SPEC_INITIAL_WINDOW;
        private int acceptBacklog = 32;
        private int maxInboundStreams = 64;
        private Duration connectionWriteTimeout = Duration.ofSeconds(10);
        private Duration streamWriteTimeout = Duration.ofSeconds(30);
        private Duration keepAliveInterval = Duration.ZERO;

        private Builder() {}

        public Builder name(String name) { this.name = name; return this; }
        public Builder initialStreamWindow(MemorySize size) { this.initialStreamWindow = size; return this; }
        public Builder maxStreamWindow(MemorySize size) { this.maxStreamWindow = size; return this; }
        public Builder maxFrameDataLength(MemorySize size) { this.maxFrameDataLength = size; return this; }
        public Builder acceptBacklog(int streams) { this.acceptBacklog = streams; return this; }
        public Builder maxInboundStreams(int streams) { this.maxInboundStreams = streams; return this; }
        public Builder connectionWriteTimeout(Duration timeout) { this.connectionWriteTimeout = timeout; return this; }
        public Builder streamWriteTimeout(Duration timeout) { this.streamWriteTimeout = timeout; return this; }
        public Builder keepAliveInterval(Duration interval) { this.keepAliveInterval = interval; return this; }

        public YamuxConfig build() {
            return new YamuxConfig(name, initialStreamWindow, maxStreamWindow, maxFrameDataLength, acceptBacklog,
                    maxInboundStreams, connectionWriteTimeout, streamWriteTimeout, keepAliveInterval);
        }
    }
}
