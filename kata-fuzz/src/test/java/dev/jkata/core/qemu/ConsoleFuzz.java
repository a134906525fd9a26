package dev.jkata.core.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Jazzer target: the host following a guest's serial console, whose bytes the guest chooses. Every line that reaches
 * the log is at most 4 KiB, holds no control character, escape sequence, line separator or bidi control, and is not
 * blank; the file is emptied once past its bound; and close ends the follower with the last line forwarded.
 */
public final class ConsoleFuzz {
    private static final long MAX_LOG = 64 * 1024;
    private static final Pattern FORBIDDEN =
            Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]");
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("console-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ConsoleFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        Path log = DIR.resolve("console.log");
        Files.write(log, data);
        List<String> lines = new ArrayList<>();
        ConsoleForwarder f = new ConsoleForwarder(log, "fuzz", lines::add, MAX_LOG, 1_000_000);
        f.close();
        for (String line : lines) {
            if (line.length() > 4096) {
                throw new IllegalStateException("a console line of " + line.length() + " chars");
            }
            if (FORBIDDEN.matcher(line).find() || line.isBlank()) {
                throw new IllegalStateException("a console line that should not reach the log: " + line.codePoints()
                        .limit(80).mapToObj(Integer::toHexString).toList());
            }
        }
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("kata-console-fuzz") && t.isAlive());
        if (alive) {
            throw new IllegalStateException("the console follower outlived close()");
        }
        if (data.length > 2 * MAX_LOG && Files.size(log) > 2 * MAX_LOG) {
            throw new IllegalStateException("the console log was not emptied past its bound");
        }
        Files.deleteIfExists(log);
    }
}
