package dev.jkata.bench;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.core.sandbox.Diagnostics;
import dev.jkata.qemu.config.RunPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A real sandbox started through the public API, with a watch on its serial console: each sandbox gets its own
 * state root, so its state directory is the only one there and its {@code console.log} can be followed while it
 * boots. The console's markers (the init's {@code KATA_INIT: ... at Xs}, the agent's {@code KATA_AGENT:} lines)
 * and host timestamps give the {@link #split()} of the start.
 */
final class TimedSandbox implements AutoCloseable {
    private static final String KERNEL_UP = "KATA_INIT: kernel up";
    private static final String DRIVERS = "KATA_INIT: drivers loaded";
    private static final String AGENT_START = "KATA_INIT: starting agent";
    private static final String JVM_MAIN = "KATA_AGENT: JVM started";
    /** The builder's default. */
    static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(90);

    final Sandbox sandbox;
    final ConsoleWatch console;
    final Path stateRoot;
    /** Host nanos just before and just after {@code start()}. */
    final long startCalled;
    final long startReturned;

    private TimedSandbox(Sandbox sandbox, ConsoleWatch console, Path stateRoot, long startCalled, long startReturned) {
        this.sandbox = sandbox;
        this.console = console;
        this.stateRoot = stateRoot;
        this.startCalled = startCalled;
        this.startReturned = startReturned;
    }

    /**
     * Starts a sandbox with the builder's defaults (initrd form unless {@code form} says nvdimm), in a state root of
     * its own.
     *
     * @throws SandboxUnavailableException when {@code start()} fails, with the reason and the end of the console
     */
    static TimedSandbox start(BenchContext ctx, ImageForm form) throws IOException {
        return start(ctx, form, DEFAULT_BOOT_TIMEOUT);
    }

    /** As {@link #start(BenchContext, ImageForm)}, with a longer boot timeout for many sandboxes at once. */
    static TimedSandbox start(BenchContext ctx, ImageForm form, Duration bootTimeout) throws IOException {
        return start(ctx, form, bootTimeout, true);
    }

    /** As {@link #start(BenchContext, ImageForm, Duration)}, cloned from a VM template or booted cold. */
    static TimedSandbox start(BenchContext ctx, ImageForm form, Duration bootTimeout, boolean template) throws IOException {
        Path root = ctx.newDir("s");
        ConsoleWatch console = new ConsoleWatch(() -> stateDir(root).map(d -> RunPaths.in(d).consoleLog()));
        SandboxBuilder b = Sandbox.builder().stateRoot(root).bootTimeout(bootTimeout).template(template);
        if (form == ImageForm.NVDIMM) {
            b.nvdimm();
        }
        long t0 = System.nanoTime();
        try {
            Sandbox sb = b.start();
            return new TimedSandbox(sb, console, root, t0, System.nanoTime());
        } catch (RuntimeException e) {
            console.close();
            throw new SandboxUnavailableException(e, console.text());
        }
    }

    long startNanos() { return startReturned - startCalled; }

    /** QEMU's pid, from the engine's diagnostics seam. */
    long qemuPid() throws IOException {
        return Diagnostics.hypervisorPid(sandbox).orElseThrow(() -> new IOException("sandbox " + sandbox.id()
                + " has no hypervisor process"));
    }

    /** The agent's ready line ({@code KATA_AGENT: ready in N ms, uptime U s, VmRSS R kB, ...}), if it printed one. */
    Optional<ConsoleWatch.Line> agentReadyLine() {
        return console.find(l -> l.startsWith("KATA_AGENT: ready"));
    }

    /** What each segment of {@link #split()} holds, for the report. */
    static final String SPLIT_LEGEND = "Split of a start: start() -> QEMU up = image cache lookup, state directory,"
            + " QEMU exec; QEMU up -> kernel start = firmware, loading and decompressing the kernel (before the guest's"
            + " clock starts); kernel -> init = kernel boot to the init's first marker (the nvdimm form's boot stage"
            + " included); init -> drivers loaded = insmod of the guest drivers; agent exec -> JVM main() = JVM start-up;"
            + " JVM main() -> agent ready = the agent opening its port and starting its gRPC server (KATA_AGENT: ready);"
            + " agent ready -> start() returns = the host's health probe (back-off up to 500 ms), CreateSandbox,"
            + " CreateContainer and StartContainer. Guest times are the markers' /proc/uptime, tied to the host's clock"
            + " by the least-delayed marker.";

    /**
     * Where the start went, in milliseconds, segment by segment in order. Guest times come from the markers'
     * uptime; the host's clock is tied to the guest's by the line seen with the least delay (the guest clock's
     * zero is the kernel's start). A segment whose markers are missing is left out.
     */
    Map<String, Double> split() {
        Map<String, Double> s = new LinkedHashMap<>();
        OptionalLong qemuUp = console.appearedAt();
        OptionalLong kernel0 = kernelZero(console);
        OptionalDouble up = uptime(KERNEL_UP);
        OptionalDouble drivers = uptime(DRIVERS);
        OptionalDouble agentStart = uptime(AGENT_START);
        qemuUp.ifPresent(q -> s.put("start() -> QEMU up", ms(q - startCalled)));
        if (qemuUp.isPresent() && kernel0.isPresent()) {
            s.put("QEMU up -> kernel start", ms(kernel0.getAsLong() - qemuUp.getAsLong()));
        }
        up.ifPresent(u -> s.put("kernel -> init", u * 1000));
        if (up.isPresent() && drivers.isPresent()) {
            s.put("init -> drivers loaded", (drivers.getAsDouble() - up.getAsDouble()) * 1000);
        }
        if (drivers.isPresent() && agentStart.isPresent()) {
            s.put("drivers -> agent exec", (agentStart.getAsDouble() - drivers.getAsDouble()) * 1000);
        }
        if (kernel0.isPresent() && agentStart.isPresent()) {
            long k0 = kernel0.getAsLong();
            long agentHost = k0 + (long) (agentStart.getAsDouble() * 1e9);
            Optional<ConsoleWatch.Line> main = console.find(JVM_MAIN);
            Optional<ConsoleWatch.Line> ready = agentReadyLine();
            long mark = agentHost;
            String from = "agent exec";
            if (main.isPresent() && main.get().uptime().isPresent()) {
                long mainHost = k0 + (long) (main.get().uptime().getAsDouble() * 1e9);
                s.put("agent exec -> JVM main()", ms(mainHost - mark));
                mark = mainHost;
                from = "JVM main()";
            }
            if (ready.isPresent()) {
                long readyHost = ready.get().uptime().isPresent()
                        ? k0 + (long) (ready.get().uptime().getAsDouble() * 1e9) : ready.get().hostNanos();
                s.put(from + " -> agent ready", ms(readyHost - mark));
                s.put("agent ready -> start() returns",
                        ms(startReturned - readyHost));
            } else {
                s.put(from + " -> start() returns", ms(startReturned - mark));
            }
        }
        return s;
    }

    private OptionalDouble uptime(String marker) {
        return console.find(marker).map(ConsoleWatch.Line::uptime).orElse(OptionalDouble.empty());
    }

    /**
     * The host nanos of the guest's uptime zero: for each line that reports its uptime, when the host saw it
     * minus that uptime; the smallest is the best estimate (every line is seen a little late).
     */
    static OptionalLong kernelZero(ConsoleWatch console) {
        long best = Long.MAX_VALUE;
        for (String marker : List.of(KERNEL_UP, DRIVERS, AGENT_START, FloorImages.FLOOR_MARKER)) {
            Optional<ConsoleWatch.Line> l = console.find(marker);
            if (l.isPresent() && l.get().uptime().isPresent()) {
                best = Math.min(best, l.get().hostNanos() - (long) (l.get().uptime().getAsDouble() * 1e9));
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Optional<Path> stateDir(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Closes the sandbox; a failure to close is printed, not thrown: the figures are taken by then. */
    @Override
    public void close() {
        try {
            sandbox.close();
        } catch (RuntimeException e) {
            System.err.println("[bench] closing sandbox " + sandbox.id() + " failed: " + Attempt.reason(e));
        } finally {
            console.close();
        }
    }

    /** {@code Sandbox.start()} failed: the benchmark rows that need a sandbox say so. */
    static final class SandboxUnavailableException extends RuntimeException {
        SandboxUnavailableException(RuntimeException cause, String console) {
            super(describe(cause, console), cause);
        }

        private static String describe(RuntimeException e, String console) {
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            List<String> last = console.lines().filter(l -> l.startsWith("KATA_")).toList();
            String tail = last.isEmpty() ? "" : "; the guest's last marker: " + last.get(last.size() - 1);
            return "Sandbox.start() failed (" + e.getClass().getSimpleName() + ": " + msg + ")" + tail;
        }
    }
}
