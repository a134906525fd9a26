package dev.jkata.cli;

import dev.jkata.api.KataException;
import dev.jkata.api.MissingHostDependencyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kata} command line: {@code run}, {@code check}, {@code image} (container images), {@code guest-image}. Exit codes: the command's own
 * for {@code run}; {@value #USAGE} for a bad command line; {@value #FAILED} when kata itself failed (as docker run:
 * a code no ordinary command uses); 124 for a command killed at its {@code --timeout}.
 */
@Command(name = "kata", mixinStandardHelpOptions = true, version = "jkata 0.1.0",
        description = "Run commands in containers isolated by lightweight QEMU virtual machines.",
        subcommands = {RunCommand.class, CheckCommand.class, ImageCommand.class, GuestImageCommand.class, TemplateCommand.class})
public final class KataCli {
    static final int USAGE = 2;
    static final int FAILED = 125;

    private KataCli() {}

    public static void main(String[] args) {
        System.exit(execute(Stdio.system(), args));
    }

    /** Runs one command line with {@code io} as its standard streams; returns the exit code. */
    static int execute(Stdio io, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == RunCommand.class) {
                    return cls.cast(new RunCommand(io));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(new KataCli(), factory);
        cl.setOut(new java.io.PrintWriter(io.out(), true)).setErr(new java.io.PrintWriter(io.err(), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof MissingHostDependencyException m) {
                cmd.getErr().println("kata: " + m.what() + " is missing. Fix: " + m.fixCommand());
                return FAILED;
            }
            if (e instanceof KataException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("kata: " + e.getMessage());
                return FAILED;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
