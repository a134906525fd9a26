package dev.jkata.cli.oci;

import dev.jkata.core.netns.JoinedNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a {@link SandboxDaemon}, or an {@link ExecClient} that outlives a detached {@code exec}, in a JVM of its own
 * with this process's standard streams (the engine's pipes or FIFOs), so they become the container's. Its logs go
 * to the container's directory, never to those streams.
 */
final class DaemonLauncher {
    private DaemonLauncher() {}

    /**
     * The container's daemon. With {@code ownNetns} (the engine asked for a new network namespace, giving no path)
     * it runs in a network namespace of its own ({@code unshare --net}): the container's pid is the daemon's, and a
     * CNI plugin the engine runs on {@code /proc/PID/ns/net} then configures that namespace, never the host's.
     */
    static Process start(ContainerDir dir, Path bundle, Optional<Path> consoleSocket, boolean ownNetns) throws IOException {
        List<String> args = new ArrayList<>(List.of(dir.dir().getParent().toString(), dir.id(), bundle.toString()));
        consoleSocket.ifPresent(s -> args.add(s.toAbsolutePath().toString()));
        // only root may make a namespace; an engine that asks for one runs its runtime as root. util-linux's unshare
        // without --fork execs the daemon, which keeps the pid the engine is told; the daemon is told it runs there
        Optional<Path> unshare = ownNetns && dev.jkata.qemu.HostUser.isRoot()
                ? dev.jkata.qemu.HostExecutables.find("unshare") : Optional.empty();
        return start(dir, SandboxDaemon.class, args, unshare.map(u -> List.of(u.toString(), "--net", "--")).orElse(List.of()),
                unshare.isPresent() ? List.of("-D" + OWN_NETNS + "=true", "-D" + JoinedNamespace.HOST_NETNS_PROPERTY + "="
                        + JoinedNamespace.identity(Path.of("/proc/self/ns/net"))) : List.of());
    }

    /** Set for a daemon started in a network namespace of its own ({@link BundleMapping#bootsAtStart}). */
    static final String OWN_NETNS = "kata.runtime.ownNetns";

    /**
     * The daemon's AppCDS archive ({@code -Dkata.runtime.daemonCds}, set by bin/kata-runtime): used when it is newer
     * than the jar, else written by this daemon at its exit under a temporary name the launcher adopts later.
     */
    static List<String> classDataSharing(Class<?> main) {
        String archive = System.getProperty("kata.runtime.daemonCds");
        if (archive == null || archive.isEmpty() || main != SandboxDaemon.class) {
            return List.of();
        }
        Path a = Path.of(archive);
        Path jar;
        try {
            jar = Path.of(SandboxDaemon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return List.of();
        }
        try {
            if (java.nio.file.Files.isRegularFile(a) && java.nio.file.Files.getLastModifiedTime(a)
                    .compareTo(java.nio.file.Files.getLastModifiedTime(jar)) > 0) {
                return List.of("-Xlog:disable", "-Xlog:all=off", "-XX:SharedArchiveFile=" + a);
            }
        } catch (IOException e) {
            return List.of();
        }
        // the trainer writes NAME.TOKEN.tmp at its exit; NAME.TOKEN.pid (written once it runs) tells the launcher
        // whose exit completes it
        return List.of("-Xlog:disable", "-Xlog:all=off", "-XX:ArchiveClassesAtExit=" + a + "." + TOKEN + ".tmp");
    }

    private static final String TOKEN = Long.toString(ProcessHandle.current().pid());

    /** Names the training daemon's pid beside its archive, if this start trains one. */
    private static void recordTrainer(List<String> cmd, Process p) {
        String prefix = "-XX:ArchiveClassesAtExit=";
        cmd.stream().filter(c -> c.startsWith(prefix)).findFirst().ifPresent(c -> {
            String tmp = c.substring(prefix.length());
            try {
                java.nio.file.Files.writeString(Path.of(tmp.substring(0, tmp.length() - 4) + ".pid"), Long.toString(p.pid()));
            } catch (IOException e) {
                // no archive adopted this time
            }
        });
    }

    static Process start(ContainerDir dir, Class<?> main, List<String> args) throws IOException {
        return start(dir, main, args, List.of(), List.of());
    }

    private static Process start(ContainerDir dir, Class<?> main, List<String> args, List<String> prefix,
                                 List<String> properties) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.logFile=" + dir.daemonLog(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("kata.runtime.daemonLogLevel", "info"),
                "-Dorg.slf4j.simpleLogger.showDateTime=true"));
        cmd.addAll(classDataSharing(main));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("kata.") && !k.startsWith("kata.runtime."))
                .sorted().forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(properties);
        cmd.add(main.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        recordTrainer(cmd, p);
        return p;
    }
}
