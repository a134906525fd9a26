package dev.jkata.qemu.qmp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines ending in {@code \n}, never holding more than {@code maxLine} bytes of one line.
 * Not thread-safe: used by one reader thread.
 */
final class LineSplitter {
    /** A line exceeded the bound. */
    static final class LineTooLongException extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int max) {
            super("a line from QEMU exceeded " + max + " bytes");
        }
    }

    private final int maxLine;
    private byte[] line = new byte[256];
    private int length;

    LineSplitter(int maxLine) {
        this.maxLine = maxLine;
    }

    /** Consumes every byte remaining in {@code in}; each complete line (without its {@code \n}) goes to {@code sink}. */
    void feed(ByteBuffer in, Consumer<byte[]> sink) throws LineTooLongException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                sink.accept(Arrays.copyOf(line, length));
                length = 0;
                if (line.length > 64 * 1024) {
                    line = new byte[256];
                }
                continue;
            }
            if (length == maxLine) {
                throw new LineTooLongException(maxLine);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
            }
            line[length++] = b;
        }
    }

    /** Bytes of an unfinished line held. */
    int pending() {
        return length;
    }
}
