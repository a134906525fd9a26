package dev.jkata.agent.protocol.yamux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * java.io views of a blocking channel that let one thread read while another writes.
 * {@code Channels.newInputStream}/{@code newOutputStream} cannot: on JDK 17 both take the channel's
 * blocking lock, so a write waits for a blocked read to return.
 */
final class ChannelStreams {
    private ChannelStreams() {}

    static InputStream input(ReadableByteChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                int n;
                do {
                    n = ch.read(bb);
                } while (n == 0);
                return n;
            }

            @Override
            public void close() throws IOException { ch.close(); }
        };
    }

    static OutputStream output(WritableByteChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }

            @Override
            public void close() throws IOException { ch.close(); }
        };
    }
}
