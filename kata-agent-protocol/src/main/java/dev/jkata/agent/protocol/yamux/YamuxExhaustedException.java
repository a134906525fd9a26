package dev.jkata.agent.protocol.yamux;

/** The session has used every stream id it may open; no more streams can be opened on it. */
public class YamuxExhaustedException extends YamuxException {
    private static final long serialVersionUID = 1L;

    public YamuxExhaustedException(String message) {
        super(message);
    }
}
