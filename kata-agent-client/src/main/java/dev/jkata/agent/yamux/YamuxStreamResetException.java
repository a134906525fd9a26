package dev.jkata.agent.yamux;

import dev.jkata.api.KataErrorReason;

/** The stream was reset (RST): by the peer, which may also mean it refused the stream, or here. */
public class YamuxStreamResetException extends YamuxException {
    private static final long serialVersionUID = 1L;

    public YamuxStreamResetException(String message) {
        super(KataErrorReason.IO, message);
    }
}
