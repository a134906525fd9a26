package dev.jkata.agent.protocol.yamux;

/** The stream was reset (RST): by the peer, which may also mean it refused the stream, or here. */
public class YamuxStreamResetException extends YamuxException {
    private static final long serialVersionUID = 1L;

    public YamuxStreamResetException(String message) {
        super(message);
    }
}
