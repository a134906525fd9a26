package dev.jkata.cli;

import dev.jkata.guestimage.progress.Progress;
import java.io.PrintStream;

/** Shows long steps on the terminal (standard error), so standard output stays the command's own. */
final class TerminalProgress implements Progress {
    private final PrintStream out;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public Step step(String description) {
        out.println("==> " + description + " ...");
        out.flush();
        return Progress.timed(d -> {
            out.printf("    done in %.1f s%n", d.toMillis() / 1000.0);
            out.flush();
        });
    }
}
