package dev.jkata.agent.protocol.files;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A string on the wire: its UTF-8 length (an int, bounded) and bytes; no NUL is ever accepted. */
final class WireStrings {
    /** The longest string: a path of PATH_MAX bytes with room to spare. */
    static final int MAX_BYTES = 8192;

    private WireStrings() {
    }

    static void write(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_BYTES || s.indexOf('\0') >= 0) {
            throw new FileProtocolException("a string of " + b.length + " bytes (or with a NUL) does not go on the wire");
        }
        out.writeInt(b.length);
        out.write(b);
    }

    static String read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_BYTES) {
            throw new FileProtocolException("a string of " + n + " bytes is longer than " + MAX_BYTES);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new FileProtocolException("the stream ended inside a string");
        }
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.indexOf('\0') >= 0) {
            throw new FileProtocolException("a string holds a NUL");
        }
        return s;
    }
}
