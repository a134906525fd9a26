package dev.jkata.qemu;

import dev.jkata.qemu.config.RunPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a VM leaves in its run directory when the JVM that launched it died without stopping it. QEMU normally dies
 * with that JVM ({@code setpriv --pdeathsig KILL}); one that did not is found by the run directory's pid file
 * ({@value RunPaths#PID_FILE}) and killed, but only when its command line names that very pid file: a pid reused by
 * another process, or a QEMU of another run directory, is never touched.
 */
public final class QemuLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(QemuLeftovers.class);

    private QemuLeftovers() {}

    /**
     * Kills the QEMU that {@code runDir}'s pid file names, if it still runs and its {@code -pidfile} argument is
     * exactly that file. Never throws: an absent or unreadable pid file means there is nothing to kill.
     *
     * @return whether a QEMU was killed
     */
    public static boolean killAbandoned(Path runDir) {
        Path pidFile = runDir.toAbsolutePath().normalize().resolve(RunPaths.PID_FILE);
        if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            if (!namesPidFile(pid, pidFile)) {
                return false;
            }
            return ProcessHandle.of(pid).map(h -> {
                LOG.info("Killing QEMU {}, left running in {}", pid, runDir);
                return h.destroyForcibly();
            }).orElse(false);
        } catch (IOException | NumberFormatException e) {
            LOG.debug("unreadable pid file {}", pidFile, e);
            return false;
        }
    }

    /** Whether process {@code pid}'s arguments hold {@code -pidfile <pidFile>}, exactly. */
    static boolean namesPidFile(long pid, Path pidFile) {
        return ProcessArguments.of(pid).map(args -> {
            int i = args.indexOf("-pidfile");
            return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(pidFile.toString());
        }).orElse(false);
    }
}
