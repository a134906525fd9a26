package dev.jkata.core.cli;

import dev.jkata.core.progress.Progress;
import java.io.PrintStream;
import java.time.Duration;

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
        long start = System.nanoTime();
        return new Step() {
            @Override
            public Duration elapsed() {
                return Duration.ofNanos(System.nanoTime() - start);
            }

            @Override
            public void close() {
                out.printf("    done in %.1f s%n", elapsed().toMillis() / 1000.0);
                out.flush();
            }
        };
    }
}
