package dev.jkata.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a job's output into lines as it arrives and hands each to a consumer, on its own thread. A line is
 * cut at {@link #MAX_LINE_BYTES}: the job is untrusted, and one endless line must not exhaust host memory.
 */
final class LogLines {
    static final int MAX_LINE_BYTES = 8 * 1024;

    private final Thread thread;

    private LogLines(Thread thread) {
        this.thread = thread;
    }

    /** Starts reading {@code in} until its end. */
    static LogLines pump(InputStream in, Consumer<String> lines, String name) {
        Thread t = new Thread(() -> split(in, lines), name);
        t.setDaemon(true);
        t.start();
        return new LogLines(t);
    }

    /** Reads {@code in} to its end, calling {@code lines} once per line (without its line break). */
    static void split(InputStream in, Consumer<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line, lines);
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE_BYTES) {
                            emit(line, lines);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process was closed under us: what was read is what there is
        }
        if (line.size() > 0) {
            emit(line, lines);
        }
    }

    private static void emit(ByteArrayOutputStream line, Consumer<String> lines) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        lines.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }

    /** Waits up to {@code millis} for the end of the stream; true when it ended. */
    boolean await(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }
}
