package dev.jkata.core.progress;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each step's start and its duration at INFO. */
final class LoggingProgress implements Progress {
    static final LoggingProgress INSTANCE = new LoggingProgress();
    private static final Logger LOG = LoggerFactory.getLogger("dev.jkata.progress");

    @Override
    public Step step(String description) {
        LOG.info("{} ...", description);
        long start = System.nanoTime();
        return new Step() {
            @Override
            public Duration elapsed() {
                return Duration.ofNanos(System.nanoTime() - start);
            }

            @Override
            public void close() {
                LOG.info("{}: done in {} ms", description, elapsed().toMillis());
            }
        };
    }
}
