package dev.jkata.cli.oci;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The caller's side of {@code exec}: asks the container's daemon to run a process and carries its streams over the
 * control socket ({@link Frames}) until the exit code arrives, which becomes this process's own. For
 * {@code exec --detach} it runs in a JVM of its own, whose pid the engine waits on.
 */
final class ExecClient {
    /** Exit code when the daemon went away before the process's end was known (as if it had been killed). */
    static final int LOST = 137;

    private ExecClient() {}

    /** {@code ExecClient ROOT ID PROCESS-FILE READY-FILE}: started by {@code kata-runtime exec --detach}. */
    public static void main(String[] args) {
        ContainerDir dir = ContainerDir.open(Path.of(args[0]), args[1]);
        Path ready = Path.of(args[3]);
        int code;
        try {
            code = attach(dir, Path.of(args[2]), new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                    new FileOutputStream(FileDescriptor.err), () -> {
                        try {
                            Files.writeString(ready, "started");
                        } catch (IOException e) {
                            throw new RuntimeFailure("cannot write " + ready + ": " + e.getMessage(), e);
                        }
                    });
        } catch (RuntimeFailure e) {
            try {
                Files.writeString(ready, "error " + e.getMessage());
            } catch (IOException ignored) {
                // the waiting exec reports our exit instead
            }
            code = 1;
        }
        Runtime.getRuntime().halt(code);
    }

    static int attach(ContainerDir dir, Path processFile, InputStream in, OutputStream out, OutputStream err, Runnable started) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.controlSocket()));
            Control.writeLine(ch, "exec " + processFile.toAbsolutePath());
            String reply = Control.readLine(ch);
            Files.deleteIfExists(processFile); // read by now
            if (!reply.startsWith("ok")) {
                throw new RuntimeFailure(reply.startsWith("error ") ? reply.substring(6) : reply);
            }
            started.run();
            Frames frames = new Frames(ch);
            Thread feed = new Thread(() -> {
                byte[] buf = new byte[Frames.MAX_PAYLOAD];
                int n;
                try {
                    while ((n = in.read(buf)) >= 0) {
                        if (n > 0) {
                            frames.write(Frames.STDIN, buf, 0, n);
                        }
                    }
                    frames.write(Frames.STDIN_EOF, buf, 0, 0);
                } catch (IOException e) {
                    // the process ended, and the channel with it
                }
            }, "kata-runtime-exec-stdin");
            feed.setDaemon(true);
            feed.start();
            while (true) {
                Frames.Frame f;
                try {
                    f = frames.read();
                } catch (EOFException e) {
                    return LOST;
                }
                switch (f.type()) {
                    case Frames.STDOUT -> {
                        out.write(f.payload());
                        out.flush();
                    }
                    case Frames.STDERR -> {
                        err.write(f.payload());
                        err.flush();
                    }
                    case Frames.EXIT -> {
                        return f.intValue();
                    }
                    default -> throw new IOException("unexpected frame " + f.type() + " from the daemon");
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("exec in container " + dir.id() + " failed: " + e.getMessage(), e);
        }
    }
}
