package dev.jkata.agent.protocol.forward;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The reply line to a {@link ForwardRequest}: {@code OK}, or {@code ERR reason} (the reason printable ASCII,
 * cut to fit the line).
 *
 * @param error empty when the request succeeded
 */
public record ForwardReply(String error) {
    private static final ForwardReply OK = new ForwardReply("");

    public static ForwardReply ok() { return OK; }

    public static ForwardReply error(String reason) {
        String r = reason == null || reason.isBlank() ? "failed" : reason.replaceAll("[^\\x20-\\x7e]", "?");
        return new ForwardReply(r.length() > Lines.MAX_LINE - 8 ? r.substring(0, Lines.MAX_LINE - 8) : r);
    }

    public boolean isOk() { return error.isEmpty(); }

    public static ForwardReply read(YamuxStream stream, Duration timeout) throws IOException {
        String line = Lines.read(stream, timeout);
        if (line.equals("OK")) {
            return OK;
        }
        if (line.startsWith("ERR ")) {
            return error(line.substring(4));
        }
        throw new ForwardProtocolException("not a forward reply: '" + line + "'");
    }

    /** Answers {@code stream} with an error and closes it; resets it when even that fails. */
    public static void refuse(YamuxStream stream, String why) {
        try {
            error(why).write(stream.getOutputStream());
            stream.close();
        } catch (IOException | RuntimeException e) {
            stream.reset();
        }
    }

    public void write(OutputStream out) throws IOException {
        Lines.write(out, isOk() ? "OK" : "ERR " + error);
    }
}
