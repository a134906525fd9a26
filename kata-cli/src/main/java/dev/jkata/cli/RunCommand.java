package dev.jkata.cli;

import java.util.ArrayList;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.PullPolicy;
import dev.jkata.core.containerimage.ContainerImages;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kata run [OPTIONS] -- CMD ARGS...}: boots a sandbox, runs one command in it with this process's standard
 * streams, and exits with the command's exit code, as {@code docker run} does. Standard input is forwarded when it
 * is a pipe or a file, and from a terminal with {@code -i}; {@code -t} gives the command a terminal (raw mode on
 * this side, window size and resizes passed on). SIGINT, SIGTERM and SIGHUP are passed to the command.
 */
@Command(name = "run", description = "Boot a sandbox, run a command in it with this terminal's streams, exit with its exit code.",
        mixinStandardHelpOptions = true, sortOptions = false)
final class RunCommand implements Callable<Integer> {
    /** Exit code when the command ran past --timeout and was killed (as timeout(1)). */
    static final int TIMED_OUT = 124;

    @Option(names = {"-i", "--interactive"}, description = "Forward standard input even when it is a terminal.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the command a terminal.")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Set an environment variable; KEY alone passes this process's value.")
    List<String> env = List.of();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory in the container.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "Run as this user: uid, uid:gid, or a name from the image's /etc/passwd.")
    String user;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Kill the command after this long (e.g. 500ms, 60s, 5m); exit code 124. No limit by default.")
    String timeout;

    @Option(names = "--memory", defaultValue = "512M", description = "Guest memory (default ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", defaultValue = "1", description = "vCPUs (default ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--share", paramLabel = "HOST:GUEST[:ro]", description = "Share a host directory into the container.")
    List<String> shares = List.of();

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "A container image to run (alpine:3.20, 127.0.0.1:5000/team/app:1); pulled on first use.")
    String image;

    @Option(names = "--pull", defaultValue = "missing", paramLabel = "POLICY",
            description = "When to pull the image: missing (default), always, never.")
    String pull;

    @Option(names = {"-p", "--publish"}, paramLabel = "[ADDR:]HOST:GUEST",
            description = "Publish a guest port on the host (8080:80, 127.0.0.1:8080:80, :80 or 80 for any free port).")
    List<String> publish = List.of();

    @Option(names = {"-P", "--publish-all"}, description = "Publish every TCP port the image exposes, each on a free port.")
    boolean publishAll;

    @Option(names = "--network", defaultValue = "none", paramLabel = "MODE",
            description = "none (default: no device, only loopback), nat (the guest reaches what the host reaches) or"
                    + " ns:PATH (the guest joins the veth devices of the network namespace at PATH; root).")
    String network;

    @Option(names = "--allow", paramLabel = "HOST:PORT",
            description = "With nat, allow only these destinations (repo.example:443, 10.1.2.0/24:5432, 127.0.0.1:8080).")
    List<String> allow = List.of();

    @Option(names = "--rootfs", description = "A host directory to use as the container's root file system (default: busybox).")
    Path rootfs;

    @Option(names = "--nvdimm", description = "Boot the guest root file system from an nvdimm image.")
    boolean nvdimm;

    @Option(names = "--accel", defaultValue = "auto", description = "auto, kvm or tcg (default ${DEFAULT-VALUE}).")
    String accelerator;

    @Option(names = "--no-template", description = "Boot the guest cold instead of cloning its configuration's VM template.")
    boolean noTemplate;

    @Option(names = "--disk", paramLabel = "SIZE", description = "Size of the sandbox's own disk, which holds the"
            + " container's writes (default 8G, a sparse file; 0 for none: writes then take guest RAM).")
    String disk;

    @Option(names = "--deadline", paramLabel = "DURATION", description = "Close the sandbox when this much time has"
            + " passed, whatever runs (e.g. 30m); exit status 124, as with --timeout.")
    String deadline;

    @Option(names = "--copy-in", paramLabel = "HOST:GUEST", description = "Copy a host file or directory into the"
            + " container before the command runs (into GUEST when it is a directory, as docker cp does).")
    List<String> copyIn = new ArrayList<>();

    @Option(names = "--copy-out", paramLabel = "GUEST:HOST", description = "Copy a container file or directory to the"
            + " host after the command ends, whatever its status (into HOST when it is a directory).")
    List<String> copyOut = new ArrayList<>();

    @Option(names = "--stats", description = "Print what the sandbox used (CPU, memory, disk, network) when the command ends.")
    boolean stats;

    @Parameters(arity = "0..*", paramLabel = "CMD", description = "The command and its arguments (after --); with --image,"
            + " they follow the image's entrypoint, and none runs the image's default command.")
    List<String> command = List.of();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Stdio io;

    RunCommand(Stdio io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        SandboxBuilder b = Sandbox.builder().memory(MemorySize.parse(memory)).cpus(cpus).accelerator(accelerator)
                .template(!noTemplate);
        if (nvdimm) {
            b.nvdimm();
        }
        if (disk != null) {
            MemorySize size = MemorySize.parse(disk);
            if (size.isZero()) {
                b.noDisk();
            } else {
                b.disk(size);
            }
        }
        if (deadline != null) {
            b.deadline(parseDuration(deadline));
        }
        List<String[]> ins = copyIn.stream().map(c -> splitCopy(c, true)).toList();
        List<String[]> outs = copyOut.stream().map(c -> splitCopy(c, false)).toList();
        if (image != null && rootfs != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--image and --rootfs exclude each other");
        }
        if (image == null && command.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a command after --, or an --image"
                    + " whose default command to run");
        }
        if (rootfs != null) {
            b.container(ContainerSpec.builder().rootfs(rootfs).build());
        }
        List<String> imageCommand = List.of();
        if (image != null) {
            PullPolicy policy = pullPolicy(pull);
            // pulled here, with progress on the terminal; the sandbox then finds it in the store
            dev.jkata.image.store.LocalImage pulled = ContainerImages.pull(image, policy,
                    new TerminalPullProgress(io.err(), io.stdinIsTerminal()));
            imageCommand = ContainerImages.describe(image, pulled).commandWith(command);
            if (imageCommand.isEmpty()) {
                // before the boot: nothing to run is a usage error, not a sandbox started for nothing
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "the image " + image + " has no"
                        + " default command (no Entrypoint and no Cmd); name the command to run after --");
            }
            b.container(ContainerSpec.builder().image(image).pullPolicy(PullPolicy.NEVER).build());
        }
        b.network(dev.jkata.api.Network.of(network, allow.toArray(String[]::new)));
        if (publishAll) {
            b.publishExposedPorts();
        }
        for (String p : publish) {
            b.publish(dev.jkata.api.PublishedPort.parse(p));
        }
        for (String s : shares) {
            Share share = Share.parse(s);
            b.share(share.host(), share.guest(), share.readOnly());
        }
        Optional<Duration> limit = Optional.ofNullable(timeout).map(RunCommand::parseDuration);
        execSpec(command.isEmpty() ? List.of("true") : command, limit); // a bad -e or -u fails before the boot
        io.err().println("==> Starting the sandbox (the first run builds the guest image; TCG boots take a few seconds) ...");
        long t0 = System.nanoTime();
        try (Sandbox sb = b.start()) {
            io.err().printf("    sandbox %s up in %.1f s%n", sb.id(), (System.nanoTime() - t0) / 1e9);
            java.util.Set<Integer> shown = new java.util.TreeSet<>();
            publish.forEach(p -> shown.add(dev.jkata.api.PublishedPort.parse(p).guestPort()));
            if (publishAll) {
                sb.container().image().ifPresent(i -> i.exposedPorts().forEach(e -> {
                    if (e.matches("[0-9]{1,5}(/tcp)?")) {
                        shown.add(Integer.parseInt(e.replace("/tcp", "")));
                    }
                }));
            }
            for (int guestPort : shown) {
                java.net.InetSocketAddress a = sb.publishedAddress(guestPort);
                io.err().printf("    guest port %d is published on %s:%d%n", guestPort, a.getAddress().getHostAddress(), a.getPort());
            }
            io.err().flush();
            // With an image, the command is the container's own process, PID 1, as docker run's is; without one it
            // runs beside the idle init of the built-in root's container.
            List<String> argv = image != null ? imageCommand : command;
            ExecSpec exec = execSpec(argv, limit);
            for (String[] in : ins) {
                io.err().printf("    copying %s into %s%n", in[0], in[1]);
                sb.files().copyTo(Path.of(in[0]), in[1]);
            }
            io.err().flush();
            // files copied in are the default container's: the command then runs beside its idle init, in the same root
            boolean beside = image == null || !ins.isEmpty() || !outs.isEmpty();
            java.util.function.Supplier<ExecProcess> started = beside ? () -> sb.exec(exec)
                    : () -> sb.createContainer(ContainerSpec.builder().image(image).pullPolicy(PullPolicy.NEVER)
                            .process(exec).build()).init().orElseThrow();
            try (ExecProcess p = started.get(); HostTerminal term = tty ? HostTerminal.rawIfTerminal(io) : HostTerminal.none();
                 SignalForwarding signals = SignalForwarding.to(p, term)) {
                term.size().ifPresent(sz -> p.resizeTty(sz[0], sz[1]));
                if (interactive || !io.stdinIsTerminal()) {
                    Pump.start("kata-run-stdin", io.in(), p.stdin(), true);
                } else {
                    p.stdin().close();
                }
                Thread out = Pump.start("kata-run-stdout", p.stdout(), io.out(), false);
                Thread err = Pump.start("kata-run-stderr", p.stderr(), io.err(), false);
                ExitStatus st;
                try {
                    st = p.waitFor(limit.orElse(Duration.ofDays(365 * 100)));
                } catch (KataTimeoutException e) {
                    term.close();
                    if (sb.state() != dev.jkata.api.SandboxState.RUNNING) {
                        io.err().println("kata: " + e.getMessage());
                        return TIMED_OUT;
                    }
                    p.signal(9);
                    io.err().println("kata: " + String.join(" ", argv) + " ran longer than " + limit.get() + "; killed");
                    copyOut(sb, outs);
                    return TIMED_OUT;
                }
                // what the command wrote before it exited; a background child of it cannot hold us for long
                out.join(5_000);
                err.join(5_000);
                io.out().flush();
                if (st.oomKilled()) {
                    io.err().println("kata: " + String.join(" ", argv) + " was killed by the OOM killer; give it more --memory");
                }
                copyOut(sb, outs);
                if (stats) {
                    printStats(sb.stats());
                }
                return st.code();
            }
        }
    }

    private void copyOut(Sandbox sb, List<String[]> outs) {
        for (String[] out : outs) {
            io.err().printf("    copying %s out to %s%n", out[0], out[1]);
            sb.files().copyFrom(out[0], Path.of(out[1]));
        }
        io.err().flush();
    }

    private void printStats(dev.jkata.api.SandboxStats s) {
        io.err().printf("    used: CPU %.1f s in the container (%.1f s by the VM), memory %s now, %s at most%s%s%n",
                s.container().cpu().toMillis() / 1e3, s.hypervisorCpu().orElse(Duration.ZERO).toMillis() / 1e3,
                s.container().memory(), s.container().memoryPeak(),
                s.diskUsed().map(u -> ", disk " + u.toMiB() + "M of " + s.diskSize().orElseThrow().toMiB() + "M").orElse(""),
                s.networkRxBytes() + s.networkTxBytes() > 0
                        ? ", network " + s.networkRxBytes() + " B in, " + s.networkTxBytes() + " B out" : "");
        io.err().flush();
    }

    /**
     * {@code HOST:GUEST} ({@code copyIn}) or {@code GUEST:HOST}: the guest side absolute; split at the colon that
     * starts it (the last ":/" of a copy-in, the first ':' of a copy-out).
     */
    static String[] splitCopy(String text, boolean copyIn) {
        int at = copyIn ? text.lastIndexOf(":/") : text.indexOf(':');
        String what = copyIn ? "--copy-in takes HOST:GUEST" : "--copy-out takes GUEST:HOST";
        if (at <= 0 || at == text.length() - 1 || (!copyIn && !text.startsWith("/"))) {
            throw new IllegalArgumentException(what + " with GUEST an absolute path in the container, not '" + text + "'");
        }
        return new String[] {text.substring(0, at), text.substring(at + 1)};
    }

    static PullPolicy pullPolicy(String text) {
        return switch (text) {
            case "missing" -> PullPolicy.IF_MISSING;
            case "always" -> PullPolicy.ALWAYS;
            case "never" -> PullPolicy.NEVER;
            default -> throw new IllegalArgumentException("--pull must be missing, always or never, not '" + text + "'");
        };
    }

    ExecSpec execSpec(List<String> argv, Optional<Duration> limit) {
        ExecSpec.Builder e = ExecSpec.builder(argv).terminal(tty);
        for (String kv : env) {
            Map.Entry<String, String> entry = parseEnv(kv, System.getenv());
            e.env(entry.getKey(), entry.getValue());
        }
        if (workdir != null) {
            e.workdir(workdir);
        }
        if (user != null) {
            e.user(user);
        }
        limit.ifPresent(e::timeout);
        return e.build();
    }

    /** {@code KEY=VALUE}, or {@code KEY} alone for this process's value (left out when it has none, as docker run). */
    static Map.Entry<String, String> parseEnv(String kv, Map<String, String> hostEnv) {
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : kv.substring(0, eq);
        if (key.isEmpty() || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("-e takes KEY=VALUE or KEY, with KEY a variable name, not '" + kv + "'");
        }
        String value = eq < 0 ? hostEnv.getOrDefault(key, "") : kv.substring(eq + 1);
        return Map.entry(key, value);
    }

    /** A {@code --share} value: the host path may hold ':'; the guest path is absolute; {@code :ro} last. */
    record Share(Path host, String guest, boolean readOnly) {
        static Share parse(String text) {
            String t = text;
            boolean ro = t.endsWith(":ro");
            if (ro) {
                t = t.substring(0, t.length() - 3);
            }
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1 || t.charAt(colon + 1) != '/') {
                throw new IllegalArgumentException("--share takes HOST:GUEST or HOST:GUEST:ro with GUEST an absolute"
                        + " path, e.g. --share ./out:/out, not '" + text + "'");
            }
            return new Share(Path.of(t.substring(0, colon)), t.substring(colon + 1), ro);
        }
    }

    /** A positive duration: {@code 500ms}, {@code 60s}, {@code 5m}, {@code 2h}, or plain seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(t));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 60s, 5m)");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(365 * 100)) > 0) {
            throw new IllegalArgumentException("--timeout must be positive (and under a century), not '" + text + "'");
        }
        return d;
    }
}
