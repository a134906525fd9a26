package dev.jkata.agent.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies one output stream of a process into its {@link OutputBuffer} on a daemon thread, until end of
 * file. It reads until EOF even after the process exited: the JDK drains an exited process's pipe into
 * memory, and the pump must take that too.
 */
final class StdioPump implements Runnable {
    private static final Logger LOG = Logger.getLogger(StdioPump.class.getName());
    private static final int READ_SIZE = 32 * 1024;

    private final InputStream in;
    private final OutputBuffer buffer;

    private StdioPump(InputStream in, OutputBuffer buffer) {
        this.in = in;
        this.buffer = buffer;
    }

    /** Starts a pump thread named {@code name}. */
    static Thread start(String name, InputStream in, OutputBuffer buffer) {
        Thread t = new Thread(new StdioPump(in, buffer), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        byte[] buf = new byte[READ_SIZE];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    buffer.write(Arrays.copyOf(buf, n));
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "stdio pump " + Thread.currentThread().getName() + " ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            buffer.finish();
        }
    }
}
