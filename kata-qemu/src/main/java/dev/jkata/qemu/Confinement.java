package dev.jkata.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What holds QEMU in, behind the VM boundary: a session of its own ({@code setsid}: a terminal's Ctrl-C or
 * hang-up reaches the JVM, which closes its sandboxes, not every VM at once), death with its parent
 * ({@code --pdeathsig KILL}), no new privileges ({@code --no-new-privs}: no set-uid or file capability can raise
 * it), no capabilities when it runs as root (inheritable and bounding sets emptied), and QEMU's own seccomp
 * filter with every deny set where the binary has one.
 */
final class Confinement {
    private static final Logger LOG = LoggerFactory.getLogger(Confinement.class);
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    private Confinement() {}

    /** The wrapper argv that goes before QEMU's: setsid (when there is one), then setpriv. */
    static List<String> wrapper(Optional<Path> setsid, Path setpriv, boolean root) {
        List<String> argv = new ArrayList<>();
        setsid.ifPresent(s -> argv.add(s.toString()));
        argv.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--no-new-privs"));
        if (root) {
            argv.addAll(List.of("--inh-caps=-all", "--bounding-set=-all"));
        }
        argv.add("--");
        return argv;
    }

    /** Whether {@code qemu} accepts the full seccomp policy; said at WARN once per binary when not. */
    static boolean seccomp(Path qemu) {
        boolean ok = SeccompProbe.supports(qemu);
        if (!ok && WARNED.add(qemu)) {
            LOG.warn("{} has no seccomp support (-sandbox): its VMs run without QEMU's system call filter", qemu);
        }
        return ok;
    }

    /** {@code setsid} from util-linux, when installed. */
    static Optional<Path> setsid() {
        return Files.isExecutable(Path.of("/usr/bin/setsid")) ? Optional.of(Path.of("/usr/bin/setsid"))
                : HostExecutables.find("setsid");
    }
}
