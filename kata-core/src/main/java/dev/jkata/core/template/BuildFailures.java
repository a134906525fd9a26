package dev.jkata.core.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template builds that failed, remembered per configuration in the cache beside the templates
 * ({@code <digest>.failed}, the reason in one line, 0600), so a configuration whose guest cannot be templated (the
 * upstream Kata agent never lets its host session go) boots cold at once on later starts, in this JVM and others,
 * instead of paying for a failing build every time. A failure is remembered for {@link #REMEMBERED}, then tried
 * again: a build that failed for a passing reason (a loaded machine's timeout) is not given up for good.
 */
final class BuildFailures {
    private static final Logger LOG = LoggerFactory.getLogger(BuildFailures.class);
    /** How long a failed build is not tried again. */
    static final Duration REMEMBERED = Duration.ofHours(24);
    private static final int MAX_REASON = 2048;
    private static final String SUFFIX = ".failed";
    /** The configurations this JVM has already said, at WARN, that it boots cold: once each. */
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private final Path kindDir;
    private final Clock clock;

    BuildFailures(Path kindDir, Clock clock) {
        this.kindDir = kindDir;
        this.clock = clock;
    }

    /** The reason a build of {@code digest} failed within {@link #REMEMBERED}, when one did. */
    Optional<String> recall(String digest) {
        Path marker = marker(digest);
        try {
            if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            FileTime at = Files.getLastModifiedTime(marker, LinkOption.NOFOLLOW_LINKS);
            if (Duration.between(at.toInstant(), clock.instant()).compareTo(REMEMBERED) > 0) {
                return Optional.empty();
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(marker, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(MAX_REASON);
            }
            return Optional.of(printable(new String(head, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", marker, e.getMessage());
            return Optional.empty();
        }
    }

    /** Says once per JVM, at WARN, that {@code digest}'s configuration boots cold and why. */
    void warnOnce(String digest, String reason) {
        if (SAID.add(kindDir.resolve(digest).toString())) {
            LOG.warn("This configuration's VM template could not be built ({}); its sandboxes boot cold without trying"
                    + " again for {} h (delete {} to try sooner)", reason, REMEMBERED.toHours(), marker(digest));
        }
    }

    /** Remembers that building {@code digest} failed for {@code reason}. Never throws: forgetting costs one more try. */
    void remember(String digest, String reason) {
        Path marker = marker(digest);
        Path tmp = kindDir.resolve(digest + SUFFIX + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(kindDir);
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String line = printable(reason);
            Files.writeString(tmp, line.length() > MAX_REASON ? line.substring(0, MAX_REASON) : line);
            Files.setLastModifiedTime(tmp, FileTime.from(clock.instant()));
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot remember the failed template build in {}: {}", marker, e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** Forgets a failure of {@code digest}: its template was built after all. */
    void forget(String digest) {
        try {
            Files.deleteIfExists(marker(digest));
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", marker(digest), e.getMessage());
        }
    }

    Path marker(String digest) {
        return kindDir.resolve(digest + SUFFIX);
    }

    /** One line of plain text: what a guest's error said must not forge log lines or drive a terminal. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_REASON));
        s.codePoints().limit(MAX_REASON).forEach(c -> b.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? ' ' : c));
        return b.toString().strip();
    }
}
