package dev.jkata.agent.protocol.forward;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first line of a forwarding stream: {@code CONNECT a.b.c.d PORT} (connect there, in the receiver's view, and
 * carry the connection on this stream) or {@code LISTEN a.b.c.d PORT} (the host asks the agent to listen there and
 * to open a {@code CONNECT} stream to the host for each connection it accepts, naming the address the guest
 * dialled).
 *
 * @param verb    what to do
 * @param address an IPv4 address in dotted form
 * @param port    1 to 65535
 */
public record ForwardRequest(Verb verb, String address, int port) {
    /** The virtio-serial port forwarding streams travel on. */
    public static final String PORT_NAME = "jkata.forward.0";

    private static final Pattern LINE = Pattern.compile("(CONNECT|LISTEN) ((?:[0-9]{1,3}\\.){3}[0-9]{1,3}) ([0-9]{1,5})");

    /** What a stream asks for. */
    public enum Verb { CONNECT, LISTEN }

    public ForwardRequest {
        if (verb == null || address == null || !Pattern.matches("(?:[0-9]{1,3}\\.){3}[0-9]{1,3}", address)) {
            throw new IllegalArgumentException("a forward request needs a verb and an IPv4 address, not " + verb + " " + address);
        }
        for (String octet : address.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
        }
    }

    public static ForwardRequest connect(String address, int port) {
        return new ForwardRequest(Verb.CONNECT, address, port);
    }

    public static ForwardRequest listen(String address, int port) {
        return new ForwardRequest(Verb.LISTEN, address, port);
    }

    /** Reads the request line, waiting at most {@code timeout}; anything else is a {@link ForwardProtocolException}. */
    public static ForwardRequest read(YamuxStream stream, Duration timeout) throws IOException {
        return parse(readHead(stream, timeout));
    }

    /**
     * The first line of a stream on the forwarding port, unparsed: a forward request, or the head of another
     * protocol that shares the port ({@code FILES}); printable ASCII, at most 127 bytes, read within {@code timeout}.
     */
    public static String readHead(YamuxStream stream, Duration timeout) throws IOException {
        return Lines.read(stream, timeout);
    }

    /** A request line read by {@link #readHead}. */
    public static ForwardRequest parse(String line) throws ForwardProtocolException {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new ForwardProtocolException("not a forward request: '" + line + "'");
        }
        try {
            return new ForwardRequest(Verb.valueOf(m.group(1)), m.group(2), Integer.parseInt(m.group(3)));
        } catch (IllegalArgumentException e) {
            throw new ForwardProtocolException(e.getMessage());
        }
    }

    public void write(OutputStream out) throws IOException {
        Lines.write(out, verb + " " + address + " " + port);
    }

    @Override
    public String toString() { return verb + " " + address + ":" + port; }
}
