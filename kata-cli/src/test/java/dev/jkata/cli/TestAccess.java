package dev.jkata.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;

/** Lets tests of other packages run the command line with captured streams and no standard input. */
public final class TestAccess {
    private TestAccess() {}

    public static int execute(PrintStream out, PrintStream err, String... args) {
        return KataCli.execute(new Stdio(new ByteArrayInputStream(new byte[0]), out, err, false), args);
    }
}
