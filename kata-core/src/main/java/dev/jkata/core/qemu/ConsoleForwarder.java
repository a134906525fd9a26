package dev.jkata.core.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Follows a guest's serial console log and forwards each line to SLF4J, logger {@code kata.guest.<sandboxId>},
 * with the MDC key {@code kata.sandbox}. Lines are cut at 4 KiB so a guest printing without newlines cannot
 * grow host memory; at most {@value #LINES_PER_SECOND} lines a second are logged, and bytes through a bucket of
 * {@value #BYTES_PER_SECOND} a second with a burst of {@value #BURST_BYTES}, and {@value #MAX_LOGGED_BYTES} in all
 * per sandbox (then a WARN, at most every 10 s, says how many lines were not), so a flooding guest cannot fill the
 * host's log or the file system it is on (kata-runtime's log lives on {@code /run}); the file is emptied once read past its bound, and at twice
 * the bound even while the guest out-writes the reader. Every line still goes to the listener.
 */
final class ConsoleForwarder implements AutoCloseable {
    private static final int MAX_LINE = 4096;
    /** The most console log kept on disk; past it the file is emptied (QEMU appends), so a chatty guest cannot fill the disk. */
    static final long MAX_LOG_BYTES = 32L << 20;
    static final int LINES_PER_SECOND = 200;
    /** Console bytes logged a second, once the burst is spent. */
    static final int BYTES_PER_SECOND = 16 * 1024;
    static final int BURST_BYTES = 1 << 20;
    /** The most console bytes one sandbox logs in its life. */
    static final long MAX_LOGGED_BYTES = 64L << 20;
    private static final long SUMMARY_EVERY_NANOS = 10_000_000_000L;

    private final Path log;
    private final Logger guest;
    private final String sandboxId;
    private final Consumer<String> listener;
    private final Thread thread;
    private final long maxLogBytes;
    private final int linesPerSecond;
    private volatile boolean stop;
    private long windowStart = System.nanoTime();
    private int loggedInWindow;
    private long suppressedInWindow;
    private volatile long logged;
    private volatile long suppressed;
    private double byteTokens = BURST_BYTES;
    private long refilledAt = System.nanoTime();
    private long lastSummary;
    private volatile long loggedBytes;

    ConsoleForwarder(Path log, String sandboxId, Consumer<String> listener) {
        this(log, sandboxId, listener, MAX_LOG_BYTES, LINES_PER_SECOND);
    }

    ConsoleForwarder(Path log, String sandboxId, Consumer<String> listener, long maxLogBytes, int linesPerSecond) {
        this.maxLogBytes = maxLogBytes;
        this.linesPerSecond = linesPerSecond;
        this.log = log;
        this.sandboxId = sandboxId;
        this.guest = LoggerFactory.getLogger("kata.guest." + sandboxId);
        this.listener = listener;
        this.thread = new Thread(this::follow, "kata-console-" + sandboxId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void follow() {
        MDC.put("kata.sandbox", sandboxId);
        long pos = 0;
        StringBuilder line = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
            while (true) {
                boolean last = stop;
                if (Files.exists(log)) {
                    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                        f.seek(pos);
                        int n;
                        // a guest may out-write the reader: past twice the bound the file goes, read or not
                        while (f.length() <= 2 * maxLogBytes && (n = f.read(buf)) > 0) {
                            pos += n;
                            String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                            for (int i = 0; i < s.length(); i++) {
                                char c = s.charAt(i);
                                if (c == '\n' || line.length() >= MAX_LINE) {
                                    emit(line.toString());
                                    line.setLength(0);
                                    if (c != '\n' && c != '\r') {
                                        line.append(c);
                                    }
                                } else if (c != '\r') {
                                    line.append(c);
                                }
                            }
                        }
                    } catch (IOException e) {
                        // the file went away with the sandbox
                    }
                    if (pos > maxLogBytes || sizeOf(log) > 2 * maxLogBytes) {
                        pos = truncate(pos);
                    }
                }
                if (last) {
                    if (line.length() > 0) {
                        emit(line.toString());
                    }
                    return;
                }
                synchronized (this) {
                    if (!stop) {
                        wait(50);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("kata.sandbox");
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private long truncate(long pos) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
            guest.warn("the guest wrote more than {} MiB to its console; the log file was emptied to bound its size",
                    maxLogBytes >> 20);
            return 0;
        } catch (IOException e) {
            return pos;
        }
    }

    private void emit(String text) {
        // escape sequences, control characters, Unicode line and paragraph separators and bidi controls go
        String clean = text.replaceAll("\\p{Cntrl}\\[[0-9;?]*[A-Za-z]", "")
                .replaceAll("[\\p{Cntrl}\\u0085\\u2028\\u2029\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]", "");
        if (clean.isBlank()) {
            return;
        }
        long now = System.nanoTime();
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            loggedInWindow = 0;
        }
        byteTokens = Math.min(BURST_BYTES, byteTokens + (now - refilledAt) / 1e9 * BYTES_PER_SECOND);
        refilledAt = now;
        int bytes = clean.length();
        if (loggedInWindow < linesPerSecond && byteTokens >= bytes && loggedBytes + bytes <= MAX_LOGGED_BYTES) {
            loggedInWindow++;
            logged++;
            byteTokens -= bytes;
            loggedBytes += bytes;
            guest.info("{}", clean);
        } else {
            suppressedInWindow++;
            suppressed++;
        }
        if (suppressedInWindow > 0 && now - lastSummary >= SUMMARY_EVERY_NANOS) {
            guest.warn("{} console lines were not logged (over {} lines or {} KiB a second, or {} MiB in all)",
                    suppressedInWindow, linesPerSecond, BYTES_PER_SECOND >> 10, MAX_LOGGED_BYTES >> 20);
            lastSummary = now;
            suppressedInWindow = 0;
        }
        listener.accept(clean);
    }

    /** Console bytes logged so far. */
    long loggedBytes() { return loggedBytes; }

    /** Lines logged so far, and lines not logged over the rate. */
    long loggedLines() { return logged; }

    long suppressedLines() { return suppressed; }

    /** Forwards what is left, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            stop = true;
            notifyAll(); // the last pass starts now, not at the next poll
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
