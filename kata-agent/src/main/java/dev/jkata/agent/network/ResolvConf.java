package dev.jkata.agent.network;

import dev.jkata.agent.errors.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The resolver file CreateSandbox's dns lines make, which the host bind-mounts into containers as /etc/resolv.conf. */
public final class ResolvConf {
    private static final int MAX_LINES = 16;
    private static final int MAX_LINE = 256;

    private ResolvConf() {}

    /** Writes the lines ({@code nameserver 10.0.2.3}, {@code search example}) to {@code file}, replacing it atomically. */
    public static void write(Path file, List<String> lines) {
        if (lines.size() > MAX_LINES) {
            throw AgentException.invalid("at most " + MAX_LINES + " dns lines, not " + lines.size());
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l.length() > MAX_LINE || !l.matches("[\\x20-\\x7e]*")) {
                throw AgentException.invalid("a dns line is printable ASCII of at most " + MAX_LINE + " characters");
            }
            b.append(l).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw AgentException.internal("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
