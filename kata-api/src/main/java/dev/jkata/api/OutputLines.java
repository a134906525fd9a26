package dev.jkata.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A process's output as lines, handed to a consumer as they arrive ({@link ExecProcess#lines}): stdout and stderr each
 * read on a thread of its own, the consumer called by one thread at a time, so lines keep the order in which they
 * arrived as far as two streams allow (a line on stderr may overtake one written just before it on stdout). A line is
 * cut at {@link #MAX_LINE_BYTES}: the process is untrusted, and one endless line must not exhaust host memory.
 */
public final class OutputLines {
    /** The longest line handed over; longer ones are cut into pieces of this size. */
    public static final int MAX_LINE_BYTES = 8 * 1024;

    /** One line, without its line break, and the stream it came from. */
    public record Line(boolean stderr, String text) {}

    private final Thread out;
    private final Thread err;

    private OutputLines(Thread out, Thread err) {
        this.out = out;
        this.err = err;
    }

    /** Starts reading {@code p}'s stdout and stderr to their ends. */
    static OutputLines start(ExecProcess p, java.util.function.Consumer<Line> sink) {
        Object order = new Object();
        Thread o = pump(p.stdout(), text -> {
            synchronized (order) {
                sink.accept(new Line(false, text));
            }
        }, "kata-lines-out-" + p.id());
        Thread e = pump(p.stderr(), text -> {
            synchronized (order) {
                sink.accept(new Line(true, text));
            }
        }, "kata-lines-err-" + p.id());
        return new OutputLines(o, e);
    }

    private static Thread pump(InputStream in, Consumer<String> lines, String name) {
        Thread t = new Thread(() -> split(in, lines), name);
        t.setDaemon(true);
        t.start();
        return t;
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

    /** Waits up to {@code timeout} for the end of both streams; true when both ended. */
    public boolean await(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        out.join(Math.max(1, timeout.toMillis()));
        err.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        return !out.isAlive() && !err.isAlive();
    }
}
