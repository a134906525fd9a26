package dev.jkata.guestimage.progress;

import java.time.Duration;

/**
 * Reports long steps (a kernel download, jlink, writing an image) as they start and finish. The library's
 * default logs through SLF4J; the command line shows them on the terminal.
 */
public interface Progress {

    /** Starts a step; closing the returned handle marks it finished. */
    Step step(String description);

    /** A step in progress. */
    interface Step extends AutoCloseable {
        /** How long the step has taken so far. */
        Duration elapsed();

        @Override
        void close();
    }

    /** A step that measures itself and hands its duration to {@code onDone} when closed. */
    static Step timed(java.util.function.Consumer<Duration> onDone) {
        long start = System.nanoTime();
        return new Step() {
            @Override
            public Duration elapsed() {
                return Duration.ofNanos(System.nanoTime() - start);
            }

            @Override
            public void close() {
                onDone.accept(elapsed());
            }
        };
    }

    /** Progress logged at INFO through SLF4J (logger {@code dev.jkata.progress}). */
    static Progress logging() {
        return LoggingProgress.INSTANCE;
    }
}
