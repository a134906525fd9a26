package dev.jkata.cli.oci;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of a container that joins a pod (see {@link Pods}): it boots no VM. {@code create} asks the pod's
 * sandbox daemon to take the container ({@code pod-create}: its root bound into the pod's VM), then waits on its own
 * control socket as a sandbox's daemon does. {@code start} makes its guest container through the sandbox's daemon
 * ({@code start-in}) with the bundle's process as its PID 1, the streams framed as for {@code kata-runtime exec}, with
 * the engine's stdio or terminal as its own; when it ends, the container leaves the
 * pod and this daemon exits with its code, which the engine's monitor reads. If the pod's VM goes, the process is
 * lost and this daemon exits with {@value ExecClient#LOST}.
 */
final class PodMember {
    private static final Logger log = LoggerFactory.getLogger(PodMember.class);
    /** In a member's directory: the id of the pod's sandbox container, so exec finds the VM it runs in. */
    static final String POD_FILE = "pod";
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ContainerDir dir;
    private final OciBundle bundle;
    private final Optional<Path> consoleSocket;
    private final String sandboxId;
    private final Object lock = new Object();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile Frames frames;
    private volatile int exitCode = -1;
    private ContainerDir sandbox;
    private Pty pty;
    private Hooks hooks = Hooks.none();

    PodMember(ContainerDir dir, OciBundle bundle, Optional<Path> consoleSocket, String sandboxId) {
        this.dir = dir;
        this.bundle = bundle;
        this.consoleSocket = consoleSocket;
        this.sandboxId = sandboxId;
    }

    int run() {
        sandbox = ContainerDir.find(dir.dir().getParent(), sandboxId).orElseThrow(() -> new RuntimeFailure(
                "the pod's sandbox container " + sandboxId + " does not exist under " + dir.dir().getParent()));
        pty = Pty.forEngine(bundle.process(), consoleSocket);
        dir.write(POD_FILE, sandboxId);
        try {
            Control.call(sandbox.controlSocket(), "pod-create " + dir.id() + " " + bundle.dir(), JOIN_TIMEOUT);
        } catch (RuntimeFailure e) {
            dir.writeError("cannot join pod " + sandboxId + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::leave, "kata-runtime-leave-pod"));
        OrphanWatch.start(dir, ProcessHandle.current().pid(), OrphanWatch.GRACE, OrphanWatch.EVERY, () -> System.exit(137));
        try {
            hooks = Hooks.read(bundle.dir());
            SandboxDaemon.runCreateHooks(dir, bundle, hooks);
        } catch (RuntimeFailure e) {
            leave();
            dir.writeError(e.getMessage());
            return 1;
        }
        ServerSocketChannel server;
        try {
            server = Control.serve(dir.controlSocket(), this::handle, PodMember::noExecHere);
        } catch (IOException e) {
            leave();
            dir.writeError("cannot listen on " + dir.controlSocket() + ": " + e.getMessage());
            return 1;
        }
        dir.writeStatus(Status.CREATED, 0);
        log.info("container {} created in pod {}", dir.id(), sandboxId);
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = ExecClient.LOST;
        }
        synchronized (lock) {
            dir.writeStatus(Status.STOPPED, exitCode);
        }
        leave();
        try {
            server.close();
        } catch (IOException e) {
            // exiting anyway
        }
        return exitCode;
    }

    private String handle(String request) {
        String[] words = request.trim().split(" +");
        synchronized (lock) {
            Status now = dir.status();
            switch (words[0]) {
                case "status":
                    return now.oci();
                case "start":
                    if (now != Status.CREATED) {
                        throw new RuntimeFailure("cannot start a container that is " + now.oci());
                    }
                    startProcess();
                    break;
                case "kill":
                    int signal = Integer.parseInt(words[1]);
                    if (now == Status.CREATED) {
                        exitCode = 128 + signal;
                        ended.countDown(); // the process never ran: the container stops
                        return "";
                    }
                    if (now != Status.RUNNING || frames == null) {
                        throw new RuntimeFailure("container " + dir.id() + " is not running");
                    }
                    try {
                        frames.writeInt(Frames.SIGNAL, signal);
                    } catch (IOException e) {
                        throw new RuntimeFailure("cannot signal container " + dir.id() + ": " + e.getMessage(), e);
                    }
                    return "";
                case "pause", "resume":
                    throw new RuntimeFailure("container " + dir.id() + " runs in the VM of pod " + sandboxId + ": "
                            + words[0] + " the pod's sandbox container instead, which " + words[0] + "s the whole VM");
                default:
                    throw new RuntimeFailure("unknown request '" + words[0] + "'");
            }
        }
        awaitStarted();
        SandboxDaemon.runPoststart(dir, bundle, hooks);
        return "";
    }

    /** The bundle's process, through the sandbox's daemon, on a thread of its own until it ends. */
    private void startProcess() {
        Path file = dir.dir().resolve("process-" + java.util.UUID.randomUUID() + ".json");
        try {
            var config = ContainerDir.JSON.readTree(bundle.dir().resolve("config.json").toFile());
            java.nio.file.Files.writeString(file, config.path("process").toString());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot write the process of " + dir.id() + ": " + e.getMessage(), e);
        }
        Thread t = new Thread(() -> {
            int code;
            try {
                InputStream in;
                OutputStream out;
                OutputStream err;
                Optional<Path> terminal = Optional.empty();
                if (pty != null) {
                    in = pty.in();
                    out = pty.out();
                    err = out;
                    terminal = Optional.of(pty.slavePath());
                } else {
                    in = new FileInputStream(FileDescriptor.in);
                    out = new FileOutputStream(FileDescriptor.out);
                    err = new FileOutputStream(FileDescriptor.err);
                }
                code = ExecClient.attach("start", dir, file, in, out, err, terminal, () -> {
                    synchronized (lock) {
                        dir.writeStatus(Status.RUNNING, 0);
                    }
                }, f -> {
                    frames = f;
                    started.complete(null);
                });
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
                log.error("the process of {} failed", dir.id(), e);
                code = e instanceof RuntimeFailure ? 127 : ExecClient.LOST;
            }
            exitCode = code;
            ended.countDown();
        }, "kata-runtime-pod-process");
        t.setDaemon(true);
        t.start();
    }

    private void awaitStarted() {
        try {
            started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new RuntimeFailure("the process of " + dir.id() + " did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new RuntimeFailure("the process of " + dir.id() + " did not start within " + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while starting " + dir.id());
        }
    }

    /** Leaves the pod: the guest container goes, the root is unbound. Once; the pod's VM may be gone already. */
    private synchronized void leave() {
        if (sandbox == null) {
            return;
        }
        try {
            Control.call(sandbox.controlSocket(), "pod-remove " + dir.id(), Duration.ofSeconds(15));
        } catch (RuntimeFailure e) {
            log.info("leaving pod {}: {}", sandboxId, e.getMessage());
        }
        sandbox = null;
    }

    /** exec of a pod member goes to its pod's sandbox daemon ({@link ExecClient}), never here. */
    private static void noExecHere(String request, SocketChannel ch) {
        try (ch) {
            Control.writeLine(ch, "error exec of a pod's container goes to its sandbox's daemon");
        } catch (IOException e) {
            // the caller went away
        }
    }
}
