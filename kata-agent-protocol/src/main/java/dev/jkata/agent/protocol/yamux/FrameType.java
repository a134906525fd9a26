package dev.jkata.agent.protocol.yamux;

/** The four yamux frame types, by their wire code. */
public enum FrameType {
    /** Stream payload; the header's length is the payload size. */
    DATA(0),
    /** Grants the peer more send window; the header's length is the delta. */
    WINDOW_UPDATE(1),
    /** Round-trip probe on stream 0; the length is an opaque value echoed back. */
    PING(2),
    /** Ends the session; the length is a {@link GoAwayCode}. */
    GO_AWAY(3);

    private final int code;

    FrameType(int code) { this.code = code; }

    /** The byte on the wire. */
    public int code() { return code; }

    /** The type for a wire code, or {@code null} when the code is not a yamux type. */
    static FrameType ofCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    private static final FrameType[] VALUES = values();
}
