package dev.jkata.qemu;

import dev.jkata.qemu.device.Seccomp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Whether a QEMU binary accepts the full {@link Seccomp} policy: asked once per binary and remembered. */
public final class SeccompProbe {
    private static final Map<Path, Boolean> KNOWN = new ConcurrentHashMap<>();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private SeccompProbe() {}

    public static boolean supports(Path qemu) {
        return KNOWN.computeIfAbsent(qemu.toAbsolutePath(),
                q -> HostCommand.run(List.of(q.toString(), "-sandbox", Seccomp.POLICY, "-version"), TIMEOUT).succeeded());
    }
}
