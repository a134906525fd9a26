package dev.jkata.testkit.fake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A process's output stream that reads as ended (-1) once the process has been closed, instead of failing
 * with "stream closed", so a reader on another thread sees a plain end of output.
 */
final class EndingInputStream extends FilterInputStream {
    private volatile boolean ended;

    EndingInputStream(InputStream in) {
        super(in);
    }

    /** Marks the stream ended and closes the pipe underneath. */
    void end() throws IOException {
        ended = true;
        super.close();
    }

    @Override
    public int read() throws IOException {
        if (ended) {
            return -1;
        }
        try {
            return super.read();
        } catch (IOException e) {
            if (ended) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            if (ended) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public int available() throws IOException {
        return ended ? 0 : super.available();
    }
}
