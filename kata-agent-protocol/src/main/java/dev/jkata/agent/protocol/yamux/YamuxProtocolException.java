package dev.jkata.agent.protocol.yamux;

/**
 * The peer broke the yamux protocol: a bad version or type, an oversized frame, a window overrun, a
 * duplicate stream. The session has sent a go-away (protocol error) and is closed.
 */
public class YamuxProtocolException extends YamuxException {
    private static final long serialVersionUID = 1L;

    public YamuxProtocolException(String message) {
        super(message);
    }
}
