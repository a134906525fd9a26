package dev.jkata.guestimage.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each step's start and its duration at INFO. */
final class LoggingProgress implements Progress {
    static final LoggingProgress INSTANCE = new LoggingProgress();
    private static final Logger LOG = LoggerFactory.getLogger("dev.jkata.progress");

    @Override
    public Step step(String description) {
        LOG.info("{} ...", description);
        return Progress.timed(d -> LOG.info("{}: done in {} ms", description, d.toMillis()));
    }
}
