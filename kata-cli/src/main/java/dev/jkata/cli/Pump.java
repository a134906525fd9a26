package dev.jkata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies one stream into another on a daemon thread of its own: a process's standard streams to and from ours. */
public final class Pump {
    private Pump() {}

    /**
     * Starts copying {@code in} to {@code out}, flushing after each read; with {@code closeAtEnd}, closes {@code out}
     * at the end of {@code in} (so standard input's end of file reaches the process). Errors end the copy quietly:
     * they mean the process or its stream went away.
     */
    public static Thread start(String name, InputStream in, OutputStream out, boolean closeAtEnd) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the process ended (its stdin closed) or the stream went with it
            } finally {
                if (closeAtEnd) {
                    try {
                        out.close();
                    } catch (IOException e) {
                        // the process already ended
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
