package dev.jkata.agent.protocol.forward;

import java.io.IOException;

/** The peer sent a request or reply line that is too long, malformed or late. */
public final class ForwardProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ForwardProtocolException(String message) {
        super(message);
    }
}
