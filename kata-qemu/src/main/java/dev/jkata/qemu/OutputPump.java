package dev.jkata.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * Reads QEMU's stderr (merged with stdout) line by line into a {@link LineRing} and DEBUG log, holding at most
 * {@code maxLineBytes} of any one line: the rest of an overlong line is dropped.
 */
final class OutputPump implements Runnable {
    private final InputStream in;
    private final LineRing ring;
    private final Logger log;
    private final int maxLineBytes;

    OutputPump(InputStream in, LineRing ring, Logger log, int maxLineBytes) {
        this.in = in;
        this.ring = ring;
        this.log = log;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line);
                    } else if (line.size() < maxLineBytes) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            log.debug("reading QEMU's stderr stopped: {}", e.toString());
        } finally {
            if (line.size() > 0) {
                emit(line);
            }
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        line.reset();
        ring.add(s);
        log.debug("qemu: {}", s);
    }
}
