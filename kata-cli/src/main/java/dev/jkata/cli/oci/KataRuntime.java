package dev.jkata.cli.oci;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kata-runtime}: runc's command line over jkata sandboxes, for container engines. Errors are reported as runc
 * reports them (standard error and {@code --log}), with runc's exit codes: 1 for a failure or a bad flag, 3 for an
 * unknown verb.
 */
@Command(name = "kata-runtime", versionProvider = KataRuntime.Version.class, mixinStandardHelpOptions = true,
        description = "An OCI runtime that runs each container in its own lightweight QEMU virtual machine.",
        subcommands = {Verbs.Create.class, Verbs.Start.class, Verbs.Run.class, Verbs.State.class, Verbs.Kill.class,
                Verbs.Delete.class, Verbs.ListContainers.class, Verbs.Ps.class, Verbs.Exec.class, Verbs.Pause.class,
                Verbs.Resume.class, Verbs.Update.class, Verbs.Features.class, Verbs.Spec.class})
public final class KataRuntime {
    static final String VERSION = "0.1.0";
    static final String OCI_VERSION = "1.0.2";
    static final int FAILED = 1;
    static final int UNKNOWN_VERB = 3;

    @Option(names = "--root", description = "Where container state lives (default: /run/kata-runtime).")
    Path root = Path.of("/run/kata-runtime");

    @Option(names = "--log", description = "Also write errors (and with --debug, debug lines) to this file.")
    Path logFile;

    @Option(names = "--log-format", description = "text or json.")
    String logFormat = "text";

    @Option(names = "--debug", description = "Log debug lines to --log.")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "Accepted for engines that pass it: cgroups bound the VM, not the container (see the docs).")
    boolean systemdCgroup;

    @Option(names = "--rootless", arity = "0..1", description = "Accepted for engines that pass it.")
    String rootless;

    @Option(names = "--criu", hidden = true)
    String criu;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    RuntimeLog log() {
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new RuntimeFailure("--log-format must be text or json, not '" + logFormat + "'");
        }
        return new RuntimeLog(err, Optional.ofNullable(logFile), logFormat.equals("json"), debug);
    }

    Lifecycle lifecycle() {
        return new Lifecycle(root.toAbsolutePath(), log());
    }

    PrintStream out() {
        return out;
    }

    public static void main(String[] args) {
        int code = execute(System.out, System.err, args);
        System.out.flush();
        System.exit(code);
    }

    static int execute(PrintStream out, PrintStream err, String... args) {
        KataRuntime top = new KataRuntime();
        top.out = out;
        top.err = err;
        CommandLine cl = new CommandLine(top);
        cl.setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true));
        // as runc: what follows exec's container id is the command, its dashes included (exec ID sh -c '...')
        cl.getSubcommands().get("exec").setStopAtPositional(true);
        cl.setParameterExceptionHandler((e, a) -> {
            RuntimeLog log = new RuntimeLog(err, Optional.ofNullable(top.logFile), "json".equals(top.logFormat), false);
            if (e instanceof CommandLine.UnmatchedArgumentException u && u.getCommandLine() == cl
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                log.error("No help topic for '" + u.getUnmatched().get(0) + "'");
                return UNKNOWN_VERB;
            }
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && u.getUnmatched().get(0).startsWith("-")) {
                log.error("flag provided but not defined: " + u.getUnmatched().get(0));
            } else {
                log.error(e.getMessage());
            }
            e.getCommandLine().usage(out);
            return FAILED;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            RuntimeLog log = top.log();
            if (e instanceof RuntimeFailure || e instanceof IllegalArgumentException) {
                log.error(e.getMessage());
                return FAILED;
            }
            if (e instanceof dev.jkata.api.KataException) {
                log.error(e.getMessage());
                return FAILED;
            }
            log.error(e.toString());
            e.printStackTrace(err);
            return FAILED;
        });
        return cl.execute(args);
    }

    /** {@code --version}, in runc's shape. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kata-runtime version " + VERSION, "spec: " + OCI_VERSION,
                    "jkata: VM-isolated containers (QEMU, the Kata 1.x agent protocol)"};
        }
    }
}
