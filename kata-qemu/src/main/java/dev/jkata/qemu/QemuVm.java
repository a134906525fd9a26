package dev.jkata.qemu;

import dev.jkata.qemu.errors.QemuTimeoutException;
import dev.jkata.qemu.errors.QemuStopException;
import dev.jkata.qemu.errors.QemuStateException;
import dev.jkata.qemu.errors.QemuException;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.config.RunPaths;
import dev.jkata.qemu.qmp.QmpClient;
import dev.jkata.qemu.qmp.QmpEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running QEMU VM: the live handle that {@link QemuHypervisor#launch(QemuConfig)} returns.
 *
 * <p>The QEMU process is a direct child of this JVM and is always reaped. Its exit is noticed at once: the VM's
 * sockets and pid file are removed, its console log is removed too unless the VM {@linkplain QemuExit#failed()
 * failed}, and {@link QemuExitListener}s are told. An exit nobody asked for is logged at WARN with QEMU's stderr and
 * the end of the guest console.
 *
 * <p>{@link #stop(Duration)} is graceful first ({@code system_powerdown}, wait), then firm (QMP {@code quit}),
 * then forced (SIGKILL). {@link #close()} stops with the hypervisor's default grace and is idempotent.
 */
public final class QemuVm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QemuVm.class);

    static final int STDERR_LINES = 64;
    static final int CONSOLE_TAIL_LINES = 20;
    private static final Duration QUIT_DEADLINE = Duration.ofSeconds(2);
    private static final Duration QUIT_WAIT = Duration.ofSeconds(5);
    private static final long KILL_WAIT_SECONDS = 10;
    private static final Duration KILL_WAIT = Duration.ofSeconds(KILL_WAIT_SECONDS);
    private static final Duration PUMP_DRAIN = Duration.ofSeconds(2);

    /** Exit handling does file I/O and joins the stderr pump; keep it off the JDK's process reaper thread. */
    private static final ExecutorService EXIT_HANDLERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jkata-qemu-exit");
        t.setDaemon(true);
        return t;
    });

    private final QemuConfig config;
    private final AcceleratorVerdict accelerator;
    private final Process process;
    private final long startNanos;
    private final Duration defaultGrace;
    private final LineRing stderr = new LineRing(STDERR_LINES, 4096);
    private final Thread pump;
    private final CompletableFuture<QemuExit> exit = new CompletableFuture<>();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean launching = new AtomicBoolean(true);
    private final Object stopLock = new Object();
    private volatile QmpClient qmp;
    private volatile String shutdownReason;
    private volatile boolean guestPanicked;

    QemuVm(QemuConfig config, AcceleratorVerdict accelerator, Process process, Duration defaultGrace) {
        this.config = config;
        this.accelerator = accelerator;
        this.process = process;
        this.defaultGrace = defaultGrace;
        this.startNanos = System.nanoTime();
        Logger qemuLog = LoggerFactory.getLogger(QemuVm.class.getName() + ".qemu." + process.pid());
        this.pump = new Thread(new OutputPump(process.getInputStream(), stderr, qemuLog, 4096),
                "qemu-" + process.pid() + "-stderr");
        this.pump.setDaemon(true);
        this.pump.start();
        process.onExit().whenCompleteAsync((p, t) -> onProcessExit(), EXIT_HANDLERS);
    }

    /** QEMU's pid. */
    public long pid() { return process.pid(); }

    /** The config this VM was launched from. */
    public QemuConfig config() { return config; }

    /** The accelerator the VM runs under, and why. */
    public AcceleratorVerdict accelerator() { return accelerator; }

    /** The VM's runtime paths (sockets, console log, pid file). */
    public RunPaths paths() { return config.paths(); }

    /** The file the guest's serial console is written to; deleted after a clean stop. */
    public Path consoleLog() { return config.paths().consoleLog(); }

    /** The UNIX socket of the virtio-serial port {@value QemuConfig#AGENT_PORT_NAME} (QEMU listens). */
    public Path agentSocket() { return config.paths().agentSocket(); }

    /** The QMP socket QEMU listens on. */
    public Path qmpSocket() { return config.paths().qmpSocket(); }

    /**
     * The QMP connection of this VM, opened at launch.
     *
     * @throws QemuStateException once QEMU has exited
     */
    public QmpClient qmp() {
        QmpClient q = qmp;
        if (q == null || exit.isDone()) {
            throw new QemuStateException("QEMU pid " + pid() + " has "
                    + (exit.isDone() ? "exited" : "no QMP connection yet"));
        }
        return q;
    }

    /** Whether QEMU is still running. */
    public boolean isAlive() { return process.isAlive(); }

    /** How QEMU ended, once it has and its files are cleaned up. */
    public Optional<QemuExit> exit() {
        return exit.isDone() ? Optional.of(exit.join()) : Optional.empty();
    }

    /** Completes when QEMU has exited and its files are cleaned up. */
    public CompletionStage<QemuExit> onExit() { return exit.copy(); }

    /**
     * Waits until QEMU has exited and been cleaned up, at most {@code timeout}.
     *
     * @return the exit, or empty when QEMU is still running after {@code timeout}
     */
    public Optional<QemuExit> awaitExit(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit handling failed", e.getCause());
        }
    }

    /** Tells {@code listener} when QEMU exits; at once if it already has. */
    public void addExitListener(QemuExitListener listener) {
        Objects.requireNonNull(listener, "listener");
        exit.thenAccept(e -> {
            try {
                listener.exited(e);
            } catch (RuntimeException ex) {
                LOG.warn("A QEMU exit listener failed", ex);
            }
        });
    }

    /** The last lines QEMU wrote to stderr (and stdout). */
    public List<String> stderrTail() { return stderr.snapshot(); }

    /** The last {@code lines} lines of the guest's serial console (empty after a clean stop deleted it). */
    public List<String> consoleTail(int lines) { return FileTail.lastLines(consoleLog(), lines); }

    /**
     * Stops the VM and waits until QEMU is reaped: presses the power button and waits up to {@code grace} for the
     * guest to power off; then asks QEMU to {@code quit}; then sends SIGKILL. A zero grace skips the power button.
     * Returns at once when QEMU has already exited. If the calling thread is interrupted, it skips to SIGKILL and
     * keeps the interrupt flag.
     *
     * @throws QemuStopException if QEMU survives SIGKILL for 10 seconds
     */
    public QemuExit stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        synchronized (stopLock) {
            if (exit.isDone()) {
                return exit.join();
            }
            requested.set(true);
            boolean interrupted = Thread.interrupted();
            try {
                QmpClient q = qmp;
                if (!interrupted && !grace.isZero() && q != null && q.isOpen()) {
                    try {
                        q.execute("system_powerdown", Map.of(), min(grace, QUIT_DEADLINE));
                        LOG.debug("QEMU pid {}: power button pressed, waiting up to {} ms", pid(), grace.toMillis());
                    } catch (QemuException e) {
                        LOG.debug("QEMU pid {}: system_powerdown failed: {}", pid(), e.getMessage());
                    }
                    interrupted = waitForExit(grace);
                }
                if (!interrupted && !exit.isDone() && q != null && q.isOpen()) {
                    boolean asked = false;
                    try {
                        q.execute("quit", Map.of(), QUIT_DEADLINE);
                        asked = true;
                    } catch (QemuException e) {
                        // QEMU may close the socket before answering; anything else means it is not listening.
                        asked = !(e instanceof QemuTimeoutException);
                        LOG.debug("QEMU pid {}: quit: {}", pid(), e.getMessage());
                    }
                    if (asked) {
                        interrupted = waitForExit(QUIT_WAIT);
                    }
                }
                if (!exit.isDone()) {
                    LOG.warn("QEMU pid {} did not stop {}; killing it", pid(),
                            interrupted ? "(the stopping thread was interrupted)" : "on request");
                    process.destroyForcibly();
                    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
                    while (!exit.isDone() && System.nanoTime() < deadline) {
                        interrupted |= waitForExit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    }
                }
                if (!exit.isDone()) {
                    throw new QemuStopException("QEMU pid " + pid()
                            + " is still alive " + KILL_WAIT.toSeconds() + " s after SIGKILL (stuck in the kernel?)");
                }
                return exit.join();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** {@link #stop(Duration)} with the hypervisor's default grace. Idempotent. */
    @Override
    public void close() {
        stop(defaultGrace);
    }

    @Override
    public String toString() {
        return "QemuVm[pid " + pid() + config.name().map(n -> ", " + n).orElse("") + ", " + accelerator.accelerator()
                + (exit.isDone() ? ", exited" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Used by QemuHypervisor during launch.

    void attachQmp(QmpClient client) {
        this.qmp = client;
        client.addEventListener(this::onQmpEvent);
        if (exit.isDone()) {
            client.close();
        }
    }

    void launched() {
        launching.set(false);
    }

    /** Ends a failed launch: kills QEMU if it still runs and waits until it is reaped and cleaned up. */
    QemuExit abortLaunch() {
        requested.set(true);
        process.destroyForcibly();
        boolean interrupted = false;
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (!exit.isDone() && System.nanoTime() < deadline) {
            interrupted |= waitForExit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return exit.getNow(null);
    }

    /** Waits for QEMU's exit after a start-up failure, briefly: QEMU prints its error and exits. */
    Optional<QemuExit> awaitExitQuietly(Duration timeout) {
        boolean interrupted = waitForExit(timeout);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return exit();
    }

    // ---------------------------------------------------------------------------------------------

    private void onQmpEvent(QmpEvent event) {
        if (event.is(QmpEvent.SHUTDOWN)) {
            shutdownReason = event.data().path("reason").asText(null);
        } else if (event.is(QmpEvent.GUEST_PANICKED)) {
            guestPanicked = true;
            LOG.warn("QEMU pid {}: the guest panicked: {}", pid(), event.data());
        }
    }

    /** Returns whether the wait was interrupted (the flag is cleared). */
    private boolean waitForExit(Duration timeout) {
        try {
            exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running, or handled elsewhere
        } catch (InterruptedException e) {
            return true;
        }
        return false;
    }

    private void onProcessExit() {
        try {
            try {
                pump.join(PUMP_DRAIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            QmpClient q = qmp;
            if (q != null) {
                q.close();
            }
            int code = process.exitValue();
            RunPaths p = config.paths();
            QemuExit e = new QemuExit(pid(), code, requested.get(), Optional.ofNullable(shutdownReason), guestPanicked,
                    stderr.snapshot(), FileTail.lastLines(p.consoleLog(), CONSOLE_TAIL_LINES),
                    Duration.ofNanos(System.nanoTime() - startNanos));
            deleteQuietly(p.qmpSocket());
            deleteQuietly(p.agentSocket());
            deleteQuietly(p.pidFile());
            if (!e.failed()) {
                deleteQuietly(p.consoleLog());
            }
            if (launching.get()) {
                LOG.debug("{} during launch", e.summary());
            } else if (e.unexpected()) {
                LOG.warn("{}; console log kept at {}\n  QEMU stderr:\n    {}\n  guest console (last lines):\n    {}",
                        e.summary(), p.consoleLog(), indented(e.stderrTail()), indented(e.consoleTail()));
            } else if (e.failed()) {
                LOG.warn("{}; console log kept at {}", e.summary(), p.consoleLog());
            } else {
                LOG.info("{}", e.summary());
            }
            exit.complete(e);
        } catch (RuntimeException | Error t) {
            exit.completeExceptionally(t);
            throw t;
        }
    }

    private static String indented(List<String> lines) {
        return lines.isEmpty() ? "(nothing)" : String.join("\n    ", lines);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
