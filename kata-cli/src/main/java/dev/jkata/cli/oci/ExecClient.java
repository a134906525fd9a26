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

    /**
     * {@code ExecClient ROOT ID PROCESS-FILE READY-FILE [TERMINAL]}: started by {@code kata-runtime exec --detach};
     * with a terminal path, the process's streams are that terminal's.
     */
    public static void main(String[] args) {
        java.util.Optional<ProcessHandle> launcher = ProcessHandle.current().parent();
        ContainerDir dir = ContainerDir.open(Path.of(args[0]), args[1]);
        Path ready = Path.of(args[3]);
        java.util.Optional<Path> terminal = args.length > 4 ? java.util.Optional.of(Path.of(args[4])) : java.util.Optional.empty();
        int code;
        try {
            InputStream in = terminal.isPresent() ? new FileInputStream(terminal.get().toFile()) : new FileInputStream(FileDescriptor.in);
            OutputStream out = terminal.isPresent() ? new FileOutputStream(terminal.get().toFile()) : new FileOutputStream(FileDescriptor.out);
            OutputStream err = terminal.isPresent() ? out : new FileOutputStream(FileDescriptor.err);
            code = attach(dir, Path.of(args[2]), in, out, err, terminal, () -> {
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
        } catch (IOException e) {
            code = 1;
        }
        awaitOrphaned(launcher);
        Runtime.getRuntime().halt(code);
    }

    /**
     * Waits (at most 10 s) until the {@code exec} call that started us has exited. Its JVM reaps its children, so
     * exiting before it would hand our exit status to it instead of to the engine's monitor, which waits on our pid.
     */
    static void awaitOrphaned(java.util.Optional<ProcessHandle> launcher) {
        if (launcher.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (launcher.get().isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Runs the process and carries its streams; with a {@code terminal} (the host side of its pseudo-terminal), that
     * terminal's window size is followed too.
     */
    static int attach(ContainerDir dir, Path processFile, InputStream in, OutputStream out, OutputStream err,
                      java.util.Optional<Path> terminal, Runnable started) {
        return attach(dir, processFile, in, out, err, terminal, started, f -> { });
    }

    /**
     * As above; {@code connected} gets the stream's frames once the process runs (to send it signals). A pod
     * member's process runs in the VM of its pod's sandbox: the request goes to that sandbox's daemon.
     */
    static int attach(ContainerDir dir, Path processFile, InputStream in, OutputStream out, OutputStream err,
                      java.util.Optional<Path> terminal, Runnable started, java.util.function.Consumer<Frames> connected) {
        return attach("exec", dir, processFile, in, out, err, terminal, started, connected);
    }

    /**
     * As above, with the request's verb: {@code exec} runs the process beside the container's init; {@code start}
     * (a pod member's own daemon) makes the member's container with the process as its PID 1.
     */
    static int attach(String verb, ContainerDir dir, Path processFile, InputStream in, OutputStream out, OutputStream err,
                      java.util.Optional<Path> terminal, Runnable started, java.util.function.Consumer<Frames> connected) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.vmSocket()));
            Control.writeLine(ch, dir.vmRequest(verb) + " " + processFile.toAbsolutePath());
            String reply = Control.readLine(ch);
            Files.deleteIfExists(processFile); // read by now
            if (!reply.startsWith("ok")) {
                throw new RuntimeFailure(reply.startsWith("error ") ? reply.substring(6) : reply);
            }
            started.run();
            Frames frames = new Frames(ch);
            connected.accept(frames);
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
            if (terminal.isPresent()) {
                int fd = Pty.openForSize(terminal.get());
                Thread sizes = new Thread(() -> {
                    int[] last = {0, 0};
                    try {
                        while (true) {
                            java.util.Optional<int[]> now = Pty.size(fd);
                            if (now.isPresent() && (now.get()[0] != last[0] || now.get()[1] != last[1])) {
                                last = now.get();
                                frames.writeInts(Frames.RESIZE, last[0], last[1]);
                            }
                            Thread.sleep(200);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the process ended
                    }
                }, "kata-runtime-exec-winsize");
                sizes.setDaemon(true);
                sizes.start();
            }
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
