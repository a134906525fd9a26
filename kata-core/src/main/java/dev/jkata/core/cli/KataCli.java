package dev.jkata.core.cli;

import dev.jkata.api.KataException;
import dev.jkata.api.MissingHostDependencyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kata} command line: {@code run}, {@code check}, {@code image build}. */
@Command(name = "kata", mixinStandardHelpOptions = true, version = "jkata 0.1.0",
        description = "Run commands in containers isolated by lightweight QEMU virtual machines.",
        subcommands = {RunCommand.class, CheckCommand.class, ImageCommand.class})
public final class KataCli {
    private KataCli() {}

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new KataCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof MissingHostDependencyException m) {
                cmd.getErr().println("kata: " + m.what() + " is missing. Fix: " + m.fixCommand());
                return 3;
            }
            if (e instanceof KataException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("kata: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }
}
