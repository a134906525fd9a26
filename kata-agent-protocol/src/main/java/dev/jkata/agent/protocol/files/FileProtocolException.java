package dev.jkata.agent.protocol.files;

import java.io.IOException;

/** The peer sent what the file protocol does not allow: the stream is dropped. */
public final class FileProtocolException extends IOException {
    public FileProtocolException(String message) {
        super(message);
    }
}
