package dev.jkata.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * This side's terminal while a command runs with {@code -t}: in raw mode without echo (every key goes to the
 * command's terminal as it is typed, Ctrl-C included), restored on close, its size read with {@code stty}.
 */
final class HostTerminal implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");
    private final String saved;
    private boolean closed;

    private HostTerminal(String saved) {
        this.saved = saved;
    }

    /** No terminal: nothing to set, no size. */
    static HostTerminal none() {
        return new HostTerminal(null);
    }

    /** Puts the terminal in raw mode when standard input is one; otherwise {@link #none()}. */
    static HostTerminal rawIfTerminal(Stdio io) {
        if (!io.stdinIsTerminal()) {
            return none();
        }
        Optional<String> saved = stty("-g");
        if (saved.isEmpty() || stty("raw", "-echo").isEmpty()) {
            return none();
        }
        HostTerminal t = new HostTerminal(saved.get().trim());
        Runtime.getRuntime().addShutdownHook(new Thread(t::close, "kata-tty-restore"));
        return t;
    }

    /** {columns, rows} of the terminal, when there is one. */
    Optional<int[]> size() {
        if (saved == null) {
            return Optional.empty();
        }
        return stty("size").map(String::trim).filter(s -> s.matches("\\d+ \\d+")).map(s -> {
            String[] rc = s.split(" ");
            return new int[] {Integer.parseInt(rc[1]), Integer.parseInt(rc[0])};
        }).filter(cr -> cr[0] > 0 && cr[1] > 0);
    }

    boolean active() {
        return saved != null;
    }

    /** Restores the terminal's settings. Idempotent. */
    @Override
    public synchronized void close() {
        if (saved == null || closed) {
            return;
        }
        closed = true;
        stty(saved);
    }

    private static Optional<String> stty(String... args) {
        List<String> argv = new ArrayList<>(List.of("stty"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(TTY))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
