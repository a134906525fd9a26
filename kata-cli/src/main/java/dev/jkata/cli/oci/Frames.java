package dev.jkata.cli.oci;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The framing of an exec's streams on the control socket, once {@code exec} has been answered: a type byte, a
 * 4-byte big-endian length, then at most {@value #MAX_PAYLOAD} bytes. Writes are serialised: several pumps share
 * one channel.
 */
final class Frames {
    static final byte STDIN = 0;
    static final byte STDIN_EOF = 1;
    static final byte STDOUT = 2;
    static final byte STDERR = 3;
    static final byte EXIT = 4;
    static final byte SIGNAL = 5;
    static final byte RESIZE = 6;
    static final int MAX_PAYLOAD = 64 * 1024;

    /** One frame read. */
    record Frame(byte type, byte[] payload) {
        int intValue() {
            return ByteBuffer.wrap(payload).getInt();
        }
    }

    private final SocketChannel ch;

    Frames(SocketChannel ch) {
        this.ch = ch;
    }

    synchronized void write(byte type, byte[] data, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + len).put(type).putInt(len).put(data, off, len).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    void writeInt(byte type, int value) throws IOException {
        write(type, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
    }

    void writeInts(byte type, int a, int b) throws IOException {
        write(type, ByteBuffer.allocate(8).putInt(a).putInt(b).array(), 0, 8);
    }

    /** The next frame; end of stream is an EOFException, a frame out of bounds an IOException. */
    Frame read() throws IOException {
        ByteBuffer head = ByteBuffer.allocate(5);
        fill(head);
        byte type = head.get(0);
        int len = head.getInt(1);
        if (len < 0 || len > MAX_PAYLOAD || type < STDIN || type > RESIZE) {
            throw new IOException("bad frame (type " + type + ", length " + len + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        fill(body);
        return new Frame(type, body.array());
    }

    private void fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException();
            }
        }
    }
}
