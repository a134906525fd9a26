package dev.jkata.agent.protocol.yamux;

/**
 * The session is closed or going away: closed here, ended by the peer's go-away, or its transport
 * reached end of file or failed. The message says which; {@link #getCause()} holds a transport error.
 */
public class YamuxSessionClosedException extends YamuxException {
    private static final long serialVersionUID = 1L;

    public YamuxSessionClosedException(String message) {
        super(message);
    }

    public YamuxSessionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
