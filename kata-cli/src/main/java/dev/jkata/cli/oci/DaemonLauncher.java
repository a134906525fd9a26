package dev.jkata.cli.oci;

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

    static Process start(ContainerDir dir, Path bundle, Optional<Path> consoleSocket) throws IOException {
        List<String> args = new ArrayList<>(List.of(dir.dir().getParent().toString(), dir.id(), bundle.toString()));
        consoleSocket.ifPresent(s -> args.add(s.toAbsolutePath().toString()));
        return start(dir, SandboxDaemon.class, args);
    }

    static Process start(ContainerDir dir, Class<?> main, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.logFile=" + dir.daemonLog(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("kata.runtime.daemonLogLevel", "info"),
                "-Dorg.slf4j.simpleLogger.showDateTime=true"));
        String cds = System.getProperty("kata.runtime.daemonCds");
        if (cds != null && !cds.isEmpty()) {
            cmd.add("-XX:SharedArchiveFile=" + cds);
            cmd.add("-Xshare:auto");
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("kata.") && !k.startsWith("kata.runtime."))
                .sorted().forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add(main.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }
}
