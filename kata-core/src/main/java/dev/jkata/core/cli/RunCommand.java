package dev.jkata.core.cli;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kata run -- CMD ARGS...}: boots a sandbox, runs one command in it, streams its output, exits with its code. */
@Command(name = "run", description = "Boot a sandbox, run a command in it, stream its output and exit with its exit code.",
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--memory", defaultValue = "512M", description = "Guest memory (default ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", defaultValue = "1", description = "vCPUs (default ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--share", description = "HOST:GUEST[:ro] — share a host directory into the container.")
    List<String> shares = List.of();

    @Option(names = "--rootfs", description = "A host directory to use as the container's root file system (default: busybox).")
    Path rootfs;

    @Option(names = "--nvdimm", description = "Boot the guest root file system from an nvdimm image.")
    boolean nvdimm;

    @Option(names = "--timeout", defaultValue = "60s", description = "Kill the command after this long (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--accel", defaultValue = "auto", description = "auto, kvm or tcg (default ${DEFAULT-VALUE}).")
    String accelerator;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        SandboxBuilder b = Sandbox.builder().memory(MemorySize.parse(memory)).cpus(cpus).accelerator(accelerator);
        if (nvdimm) {
            b.nvdimm();
        }
        if (rootfs != null) {
            b.container(ContainerSpec.builder().rootfs(rootfs).build());
        }
        for (String s : shares) {
            String[] p = s.split(":");
            if (p.length < 2 || p.length > 3 || (p.length == 3 && !p[2].equals("ro"))) {
                throw new IllegalArgumentException("--share takes HOST:GUEST or HOST:GUEST:ro, not '" + s + "'");
            }
            b.share(Path.of(p[0]), p[1], p.length == 3);
        }
        Duration limit = parseDuration(timeout);
        System.err.println("==> Starting the sandbox (the first run builds the guest image; TCG boots take a few seconds) ...");
        long t0 = System.nanoTime();
        try (Sandbox sb = b.start()) {
            System.err.printf("    sandbox %s up in %.1f s%n", sb.id(), (System.nanoTime() - t0) / 1e9);
            try (ExecProcess p = sb.exec(ExecSpec.builder(command).build())) {
                p.stdin().close();
                Thread out = pump(p.stdout(), System.out);
                Thread err = pump(p.stderr(), System.err);
                ExitStatus st;
                try {
                    st = p.waitFor(limit);
                } catch (KataTimeoutException e) {
                    p.signal(9);
                    System.err.println("kata: " + String.join(" ", command) + " ran longer than " + limit + "; killed");
                    return 124;
                }
                out.join(10_000);
                err.join(10_000);
                return st.code();
            }
        }
    }

    private static Thread pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the process's stream ended with the process
            }
        }, "kata-run-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 60s, 5m)");
        }
    }
}
