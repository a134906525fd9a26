package dev.jkata.qemu;

import dev.jkata.qemu.errors.QemuTimeoutException;
import dev.jkata.qemu.errors.QemuStateException;
import dev.jkata.qemu.errors.QemuLaunchException;
import dev.jkata.qemu.errors.QemuIoException;
import dev.jkata.qemu.errors.MissingHostToolException;
import dev.jkata.qemu.accel.AcceleratorProbe;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.config.RunPaths;
import dev.jkata.qemu.qmp.QmpClient;
import dev.jkata.qemu.qmp.QmpException;
import dev.jkata.qemu.qmp.QmpStatus;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches QEMU VMs.
 *
 * <p>{@link #launch(QemuConfig)} resolves the accelerator, starts {@code setsid setpriv --pdeathsig KILL --no-new-privs
 * -- qemu-system-x86_64 -sandbox on,... ...} (see {@link Confinement}) as a direct child of this JVM (from the one spawner thread, see {@link ProcessSpawner}), waits for the QMP
 * socket, connects, and checks that the VM runs. If QEMU exits during start-up the failure is a
 * {@link QemuLaunchException} carrying QEMU's stderr. Thread-safe: one hypervisor launches any number of VMs.
 */
public final class QemuHypervisor {
    private static final Logger LOG = LoggerFactory.getLogger(QemuHypervisor.class);

    public static final String SETPRIV = "setpriv";
    public static final String SETPRIV_INSTALL = "sudo apt-get install -y util-linux";
    /** What starts QEMU in a network namespace (util-linux, as setpriv). */
    public static final String NSENTER = "nsenter";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration EXIT_AFTER_ERROR = Duration.ofSeconds(3);

    private final Path binary;
    private final Path setpriv;
    private final AcceleratorProbe probe;
    private final Duration startTimeout;
    private final Duration qmpDeadline;
    private final Duration stopGrace;
    private final boolean confine;

    private QemuHypervisor(Builder b) {
        this.binary = b.binary;
        this.setpriv = b.setpriv;
        this.probe = b.probe;
        this.startTimeout = b.startTimeout;
        this.qmpDeadline = b.qmpDeadline;
        this.stopGrace = b.stopGrace;
        this.confine = b.confine;
    }

    /** A hypervisor with the defaults: QEMU and setpriv found on PATH, this host's accelerator probe. */
    public static QemuHypervisor create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The accelerator probe this hypervisor resolves requests with. */
    public AcceleratorProbe acceleratorProbe() {
        return probe;
    }

    /**
     * Launches a VM in the config's run directory (created if needed) and returns once QMP says it is running.
     *
     * @throws MissingHostToolException when QEMU or setpriv is not installed
     * @throws dev.jkata.qemu.accel.AcceleratorUnavailableException when KVM is demanded and cannot work here
     * @throws QemuLaunchException   when QEMU exits during start-up, does not become ready in time, or its QMP fails;
     *                               carries QEMU's stderr
     * @throws QemuStateException    when a live QEMU already uses the run directory
     * @throws QemuIoException       when the run directory cannot be prepared
     */
    public QemuVm launch(QemuConfig config) {
        Objects.requireNonNull(config, "config");
        Path qemu = binary != null ? binary : QemuBinary.locate().path();
        Path sp = setpriv != null ? setpriv : HostExecutables.find(SETPRIV)
                .orElseThrow(() -> new MissingHostToolException(SETPRIV, SETPRIV_INSTALL));
        AcceleratorVerdict verdict = probe.resolve(config.accelerator());
        RunPaths paths = config.paths();
        prepareRunDir(paths);

        if (confine && !config.sandbox() && Confinement.seccomp(qemu)) {
            config = config.toBuilder().sandbox(true).build();
        }
        List<String> argv = new ArrayList<>();
        // into the namespace first: entering it takes the capabilities the confinement then drops
        config.networkNamespace().ifPresent(ns -> argv.addAll(List.of(HostExecutables.find(NSENTER)
                .orElseThrow(() -> new MissingHostToolException(NSENTER, SETPRIV_INSTALL)).toString(),
                "--net=" + ns, "--")));
        argv.addAll(confine ? Confinement.wrapper(Confinement.setsid(), sp, HostUser.isRoot())
                : List.of(sp.toString(), "--pdeathsig", "KILL", "--"));
        argv.addAll(config.toArgs(qemu, verdict.accelerator()));
        LOG.debug("Starting QEMU: {}", String.join(" ", argv));

        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(paths.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process process;
        try {
            process = ProcessSpawner.start(pb);
        } catch (IOException e) {
            throw new QemuLaunchException("cannot start " + qemu + ": " + e.getMessage(), OptionalInt.empty(), List.of(), e);
        }
        QemuVm vm = new QemuVm(config, verdict, process, stopGrace);
        try {
            awaitReady(vm, paths);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw launchFailure(vm, e);
        } catch (RuntimeException e) {
            throw launchFailure(vm, e);
        }
        vm.launched();
        LOG.info("Started VM{} (QEMU pid {}, {}, {} vCPU, {}) in {} ms", config.name().map(n -> " " + n).orElse(""),
                vm.pid(), verdict.accelerator(), config.cpus(), config.memory().size(), (System.nanoTime() - t0) / 1_000_000);
        return vm;
    }

    /** {@link #launch(QemuConfig)} with the run directory replaced by {@code runDir}. */
    public QemuVm launch(QemuConfig config, Path runDir) {
        return launch(config.toBuilder().runDir(runDir).build());
    }

    private void awaitReady(QemuVm vm, RunPaths paths) throws InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!Files.exists(paths.qmpSocket())) {
            if (!vm.isAlive()) {
                throw new QemuStateException("QEMU exited during start-up");
            }
            if (System.nanoTime() > deadline) {
                throw new QemuTimeoutException("QEMU did not create its QMP socket " + paths.qmpSocket(), startTimeout);
            }
            Thread.sleep(POLL.toMillis());
        }
        // QEMU binds the socket a moment before it listens: a refused connection then means "not yet".
        QmpClient qmp;
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                qmp = QmpClient.connect(paths.qmpSocket(),
                        Duration.ofNanos(Math.max(left, Duration.ofSeconds(1).toNanos())), qmpDeadline);
                break;
            } catch (QmpException e) {
                if (!(e.getCause() instanceof java.net.ConnectException) || !vm.isAlive() || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        vm.attachQmp(qmp);
        QmpStatus status = qmp.queryStatus();
        if (vm.config().incoming()) {
            if (!status.status().equals("inmigrate")) {
                throw new QemuStateException("QEMU reports status '" + status.status()
                        + "' right after start, not waiting for the saved state (inmigrate)");
            }
        } else if (!status.running()) {
            throw new QemuStateException("QEMU reports status '" + status.status()
                    + "' right after start, not running");
        }
    }

    private static QemuLaunchException launchFailure(QemuVm vm, Exception cause) {
        // QEMU prints its error and exits; give it a moment so the message is the one QEMU wrote.
        Optional<QemuExit> exited = vm.awaitExitQuietly(EXIT_AFTER_ERROR);
        if (exited.isPresent()) {
            QemuExit e = exited.get();
            return new QemuLaunchException("QEMU failed to start", OptionalInt.of(e.exitCode()), e.stderrTail(), cause);
        }
        List<String> stderr = vm.stderrTail();
        vm.abortLaunch();
        String why = cause instanceof InterruptedException ? "interrupted while QEMU started" : cause.getMessage();
        return new QemuLaunchException("QEMU did not become ready and was killed: " + why,
                OptionalInt.empty(), stderr, cause);
    }

    /** Creates the run directory; refuses one a live QEMU uses; removes stale sockets and pid file. */
    private static void prepareRunDir(RunPaths paths) {
        try {
            Files.createDirectories(paths.dir());
            if (Files.exists(paths.pidFile())) {
                String text = Files.readString(paths.pidFile(), StandardCharsets.UTF_8).trim();
                try {
                    long pid = Long.parseLong(text);
                    Optional<ProcessHandle> h = ProcessHandle.of(pid);
                    if (h.isPresent() && h.get().isAlive() && isQemu(pid)) {
                        throw new QemuStateException("run directory " + paths.dir() + " is in use by QEMU pid " + pid);
                    }
                } catch (NumberFormatException e) {
                    // garbage: stale
                }
            }
            Files.deleteIfExists(paths.qmpSocket());
            Files.deleteIfExists(paths.agentSocket());
            Files.deleteIfExists(paths.pidFile());
        } catch (IOException e) {
            throw new QemuIoException("cannot prepare run directory " + paths.dir() + ": " + e, e);
        }
    }

    private static boolean isQemu(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).startsWith("qemu");
        } catch (IOException e) {
            return false;
        }
    }

    /** Configures a {@link QemuHypervisor}; every property has a default. */
    public static final class Builder {
        private Path binary;
        private Path setpriv;
        private AcceleratorProbe probe = AcceleratorProbe.host();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration qmpDeadline = QmpClient.DEFAULT_DEADLINE;
        private Duration stopGrace = DEFAULT_STOP_GRACE;
        private boolean confine = true;

        private Builder() {
        }

        /** The QEMU binary; found on PATH by default. */
        public Builder binary(Path binary) { this.binary = binary; return this; }

        /** The setpriv binary (util-linux); found on PATH by default. */
        public Builder setpriv(Path setpriv) { this.setpriv = setpriv; return this; }

        /** Decides the accelerator; {@link AcceleratorProbe#host()} by default. */
        public Builder acceleratorProbe(AcceleratorProbe probe) { this.probe = Objects.requireNonNull(probe); return this; }

        /** How long QEMU may take from exec to answering QMP; 20 s by default. */
        public Builder startTimeout(Duration timeout) { this.startTimeout = positive(timeout, "startTimeout"); return this; }

        /** The default deadline of QMP calls; 10 s by default. */
        public Builder qmpDeadline(Duration deadline) { this.qmpDeadline = positive(deadline, "qmpDeadline"); return this; }

        /** The grace {@link QemuVm#close()} gives the guest to power off before QEMU is told to quit; 2 s by default. */
        public Builder stopGrace(Duration grace) {
            Objects.requireNonNull(grace, "stopGrace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("stopGrace must not be negative: " + grace);
            }
            this.stopGrace = grace;
            return this;
        }

        /**
         * Whether QEMU runs confined (on by default): its own session, no new privileges, no capabilities as root,
         * and QEMU's seccomp filter with every deny set where the binary has it. See {@link Confinement}.
         */
        public Builder confine(boolean confine) { this.confine = confine; return this; }

        public QemuHypervisor build() {
            return new QemuHypervisor(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
