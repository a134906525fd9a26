package dev.jkata.agent.protocol.yamux;

/** The reason carried by a go-away frame. */
public enum GoAwayCode {
    /** The sender is done; streams already open may finish. */
    NORMAL(0),
    /** The receiver of the go-away broke the protocol. */
    PROTOCOL_ERROR(1),
    /** The sender failed internally. */
    INTERNAL_ERROR(2);

    private final int code;

    GoAwayCode(int code) { this.code = code; }

    /** The value of the header's length field. */
    public int code() { return code; }

    /** The code for a wire value, or {@code null} for an unknown value. */
    static GoAwayCode ofCode(long code) {
        for (GoAwayCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
