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
 * grow host memory. Also hands each line to a listener.
 */
final class ConsoleForwarder implements AutoCloseable {
    private static final int MAX_LINE = 4096;
    /** The most console log kept on disk; past it the file is emptied (QEMU appends), so a chatty guest cannot fill the disk. */
    static final long MAX_LOG_BYTES = 32L << 20;

    private final Path log;
    private final Logger guest;
    private final String sandboxId;
    private final Consumer<String> listener;
    private final Thread thread;
    private volatile boolean stop;

    ConsoleForwarder(Path log, String sandboxId, Consumer<String> listener) {
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
                        while ((n = f.read(buf)) > 0) {
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
                    if (pos > MAX_LOG_BYTES) {
                        pos = truncate(pos);
                    }
                }
                if (last) {
                    if (line.length() > 0) {
                        emit(line.toString());
                    }
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("kata.sandbox");
        }
    }

    private long truncate(long pos) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
            guest.warn("the guest wrote more than {} MiB to its console; the log file was emptied to bound its size",
                    MAX_LOG_BYTES >> 20);
            return 0;
        } catch (IOException e) {
            return pos;
        }
    }

    private void emit(String text) {
        String clean = text.replaceAll("\\p{Cntrl}\\[[0-9;?]*[A-Za-z]", "").replaceAll("\\p{Cntrl}", "");
        if (clean.isBlank()) {
            return;
        }
        guest.info("{}", clean);
        listener.accept(clean);
    }

    /** Forwards what is left, then stops. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
