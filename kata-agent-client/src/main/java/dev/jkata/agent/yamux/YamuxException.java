package dev.jkata.agent.yamux;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;

/** A yamux session or stream failed. Subclasses say how; deadlines raise {@link dev.jkata.api.KataTimeoutException}. */
public class YamuxException extends KataException {
    private static final long serialVersionUID = 1L;

    public YamuxException(KataErrorReason reason, String message) {
        super(reason, message);
    }

    public YamuxException(KataErrorReason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
