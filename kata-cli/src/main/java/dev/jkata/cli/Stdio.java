package dev.jkata.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The standard streams a command works with, and whether standard input is a terminal. */
record Stdio(InputStream in, PrintStream out, PrintStream err, boolean stdinIsTerminal) {
    /** This process's own: standard input unbuffered (what arrives goes on at once). */
    static Stdio system() {
        return new Stdio(new FileInputStream(FileDescriptor.in), System.out, System.err, isTerminal(0));
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
