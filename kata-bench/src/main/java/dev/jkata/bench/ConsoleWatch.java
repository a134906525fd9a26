package dev.jkata.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a guest's serial console file and stamps every line with the host's {@link System#nanoTime()} when it
 * was seen, polling every {@value #POLL_MS} ms. Also notes when the file first appeared: QEMU opens it as it
 * starts, so that is when QEMU came up. The file is found through a supplier because a sandbox's state
 * directory is named after an id that is only known once it exists.
 */
final class ConsoleWatch implements AutoCloseable {
    static final long POLL_MS = 5;
    /** The init's "... at 1.23s" and the agent's "... uptime 1.23 s". */
    private static final Pattern UPTIME = Pattern.compile("\\b(?:at|uptime) (\\d+\\.\\d+) ?s\\b");

    /** A console line and when the host saw it. */
    record Line(long hostNanos, String text) {
        /** The guest's uptime the line reports ({@code "... at 1.23s"}, {@code "uptime 1.23 s"}), if it does. */
        OptionalDouble uptime() {
            Matcher m = UPTIME.matcher(text);
            return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
        }
    }

    private final Supplier<Optional<Path>> file;
    private final List<Line> lines = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile long appeared = -1;

    ConsoleWatch(Supplier<Optional<Path>> file) {
        this.file = file;
        this.thread = new Thread(this::follow, "bench-console");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static ConsoleWatch of(Path file) {
        return new ConsoleWatch(() -> Optional.of(file));
    }

    private void follow() {
        long pos = 0;
        Path path = null;
        StringBuilder partial = new StringBuilder();
        byte[] buf = new byte[16 * 1024];
        while (!stop) {
            if (path == null) {
                path = file.get().filter(Files::exists).orElse(null);
                if (path != null) {
                    appeared = System.nanoTime();
                }
            }
            if (path != null) {
                try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
                    if (f.length() < pos) {
                        pos = 0;
                    }
                    f.seek(pos);
                    int n;
                    while ((n = f.read(buf)) > 0) {
                        pos += n;
                        long now = System.nanoTime();
                        for (char c : new String(buf, 0, n, StandardCharsets.UTF_8).toCharArray()) {
                            if (c == '\n') {
                                add(now, partial.toString());
                                partial.setLength(0);
                            } else if (c != '\r' && partial.length() < 4096) {
                                partial.append(c);
                            }
                        }
                    }
                } catch (IOException e) {
                    // gone with the VM: keep what we have
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void add(long now, String text) {
        synchronized (lines) {
            lines.add(new Line(now, text.replaceAll("\\p{Cntrl}", "")));
            lines.notifyAll();
        }
    }

    /** When the console file first appeared (host nanos). */
    OptionalLong appearedAt() {
        long a = appeared;
        return a < 0 ? OptionalLong.empty() : OptionalLong.of(a);
    }

    /** The first line that contains {@code text}, seen so far. */
    Optional<Line> find(String text) {
        return find(l -> l.contains(text));
    }

    Optional<Line> find(Predicate<String> p) {
        synchronized (lines) {
            return lines.stream().filter(l -> p.test(l.text())).findFirst();
        }
    }

    /** Waits up to {@code timeout} for a line that contains {@code text}. */
    Optional<Line> await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                Optional<Line> l = find(text);
                long left = deadline - System.nanoTime();
                if (l.isPresent() || left <= 0) {
                    return l;
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Everything seen so far, for a diagnosis. */
    String text() {
        synchronized (lines) {
            return String.join("\n", lines.stream().map(Line::text).toList());
        }
    }

    /** Reads what is left, then stops. */
    @Override
    public void close() {
        try {
            Thread.sleep(2 * POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
