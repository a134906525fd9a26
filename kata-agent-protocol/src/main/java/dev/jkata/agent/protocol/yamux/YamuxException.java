package dev.jkata.agent.protocol.yamux;

/**
 * The root of what yamux throws: a session or stream failed. Subclasses say how. The protocol module knows nothing
 * of the user API; the host's agent client maps these to {@code KataException} where they leave it.
 */
public class YamuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public YamuxException(String message) {
        super(message);
    }

    public YamuxException(String message, Throwable cause) {
        super(message, cause);
    }
}
