package dev.jkata.bench.campaign;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import dev.jkata.core.sandbox.Diagnostics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Faults, one sandbox each: QEMU killed in the middle of an exec; the guest kernel panicking; the whole VM frozen
 * (SIGSTOP of QEMU: the agent answers nothing); a process that stops reading its stdin while the host writes; a full
 * disk under the state directory and under the cache. Every call must end within its budget with a typed error
 * ({@link KataException}, or an {@link IOException} from a stream), close() within {@value #CLOSE_BUDGET_S} s, and
 * nothing may be left: no QEMU, no state directory, no abandoned cache build.
 */
final class FaultTrial {
    static final long CLOSE_BUDGET_S = 20;
    /** What a call may take once its VM is gone: the host must notice the end, not wait for a deadline. */
    private static final Duration GONE_BUDGET = Duration.ofSeconds(15);
    /** The agent's call deadline in the frozen-VM trial, and what a call may take past it. */
    private static final Duration FROZEN_DEADLINE = Duration.ofSeconds(5);

    private FaultTrial() {}

    static void run(Path work, Findings f) throws Exception {
        qemuKilledMidExec(Files.createDirectories(work.resolve("fault-qemu-killed")), f);
        guestPanic(Files.createDirectories(work.resolve("fault-panic")), f);
        frozenVm(Files.createDirectories(work.resolve("fault-frozen")), f);
        stdinNotRead(Files.createDirectories(work.resolve("fault-stdin")), f);
        FullDisk.run(work, f);
    }

    private static void qemuKilledMidExec(Path root, Findings f) throws Exception {
        String name = "QEMU killed mid-exec";
        Sandbox sb = Sandbox.builder().stateRoot(root).start();
        ExecProcess p = sb.exec(ExecSpec.builder("sh", "-c", "echo started; exec sleep 600").build());
        p.stdout().readNBytes(8);
        List<ProcessHandle> qemu = OwnerDeathTrial.qemusOf(root);
        qemu.forEach(ProcessHandle::destroyForcibly);
        expectFailure(f, name + ": waitFor", GONE_BUDGET, () -> p.waitFor(Duration.ofMinutes(5)));
        expectFailure(f, name + ": a new exec", GONE_BUDGET, () -> sb.run("true"));
        closeAndCheck(f, name, sb, root);
    }

    private static void guestPanic(Path root, Findings f) throws Exception {
        String name = "guest kernel panic";
        Sandbox sb = Sandbox.builder().stateRoot(root).start();
        ExecProcess p = sb.exec(ExecSpec.builder("sh", "-c", "echo started; exec sleep 600").build());
        p.stdout().readNBytes(8);
        Diagnostics.crashGuest(sb);
        Throwable why = expectFailure(f, name + ": waitFor", GONE_BUDGET, () -> p.waitFor(Duration.ofMinutes(5)));
        Throwable next = expectFailure(f, name + ": a new exec", GONE_BUDGET, () -> sb.run("true"));
        String said = String.valueOf(why) + " / " + next;
        if (!said.toLowerCase(java.util.Locale.ROOT).contains("panic")) {
            f.count("faults: guest panic not named in the errors (failed)", 1);
            f.failure(name + ": the errors do not say the guest panicked: " + abbreviate(said));
        }
        closeAndCheck(f, name, sb, root);
    }

    private static void frozenVm(Path root, Findings f) throws Exception {
        String name = "frozen VM";
        String was = System.getProperty("kata.agent.callDeadline");
        System.setProperty("kata.agent.callDeadline", FROZEN_DEADLINE.toString());
        Sandbox sb;
        try {
            sb = Sandbox.builder().stateRoot(root).start();
        } finally {
            if (was == null) {
                System.clearProperty("kata.agent.callDeadline");
            } else {
                System.setProperty("kata.agent.callDeadline", was);
            }
        }
        sb.run("true");
        List<ProcessHandle> qemu = OwnerDeathTrial.qemusOf(root);
        for (ProcessHandle q : qemu) {
            new ProcessBuilder("kill", "-STOP", Long.toString(q.pid())).start().waitFor();
        }
        expectFailure(f, name + ": an exec", FROZEN_DEADLINE.plus(GONE_BUDGET), () -> sb.run("true"));
        closeAndCheck(f, name, sb, root);
    }

    private static void stdinNotRead(Path root, Findings f) throws Exception {
        String name = "stdin not read";
        Sandbox sb = Sandbox.builder().stateRoot(root).start();
        ExecProcess p = sb.exec(ExecSpec.builder("sleep", "600").build());
        CompletableFuture<Object> writer = async(() -> {
            try (OutputStream in = p.stdin()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 256; i++) {
                    in.write(chunk);
                }
            }
            return null;
        });
        Thread.sleep(3_000);
        if (writer.isDone()) {
            f.count("faults: " + name + ": 16 MiB taken by a process that reads nothing (failed)", 1);
        }
        // the stalled stream holds up nothing else
        expectSuccess(f, name + ": another exec meanwhile", Duration.ofSeconds(60), () -> sb.run("echo", "ok"));
        closeAndCheck(f, name, sb, root);
        try {
            writer.get(5, TimeUnit.SECONDS);
            f.count("faults: " + name + ": the blocked write succeeded after close (failed)", 1);
        } catch (TimeoutException e) {
            f.count("faults: " + name + ": the blocked write hung past close", 1);
            writer.cancel(true);
        } catch (ExecutionException e) {
            typed(f, name + ": the blocked write", e.getCause());
        }
    }

    /** Closes within the budget, then counts QEMUs and state directories left. */
    static void closeAndCheck(Findings f, String name, Sandbox sb, Path root) throws Exception {
        f.count("faults: trials", 1);
        long t0 = System.nanoTime();
        CompletableFuture<Object> close = async(() -> {
            sb.close();
            return null;
        });
        try {
            close.get(CLOSE_BUDGET_S, TimeUnit.SECONDS);
            f.figure("faults: " + name + ": close() took", (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (TimeoutException e) {
            f.count("faults: close() over budget", 1);
            f.failure(name + ": close() took over " + CLOSE_BUDGET_S + " s");
            close.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            f.count("faults: close() failed", 1);
            f.failure(name + ": close() threw " + e.getCause());
        }
        Thread.sleep(1_000);
        List<ProcessHandle> left = OwnerDeathTrial.qemusOf(root);
        if (!left.isEmpty()) {
            f.count("faults: QEMU left after close", left.size());
            left.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> s = Files.list(root)) {
            long dirs = s.count();
            if (dirs > 0) {
                f.count("faults: state directories left after close", dirs);
                f.failure(name + ": " + dirs + " state directories left in " + root);
            }
        }
    }

    /** The call must fail with a typed error within {@code budget}; returns what it threw. */
    static Throwable expectFailure(Findings f, String what, Duration budget, Callable<?> call) throws InterruptedException {
        CompletableFuture<Object> c = async(call);
        try {
            Object r = c.get(budget.toMillis(), TimeUnit.MILLISECONDS);
            f.count("faults: calls that wrongly succeeded (failed)", 1);
            f.failure(what + " returned " + abbreviate(String.valueOf(r)) + " instead of failing");
            return null;
        } catch (TimeoutException e) {
            f.count("faults: calls hung past their budget", 1);
            f.failure(what + " did not end within " + budget.toSeconds() + " s");
            return null;
        } catch (ExecutionException e) {
            typed(f, what, e.getCause());
            return e.getCause();
        } finally {
            f.count("faults: calls made", 1);
        }
    }

    static void expectSuccess(Findings f, String what, Duration budget, Callable<?> call) throws InterruptedException {
        CompletableFuture<Object> c = async(call);
        try {
            c.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.count("faults: calls hung past their budget", 1);
            f.failure(what + " did not end within " + budget.toSeconds() + " s");
        } catch (ExecutionException e) {
            f.count("faults: calls that should have worked but failed", 1);
            f.failure(what + " threw " + e.getCause());
        } finally {
            f.count("faults: calls made", 1);
        }
    }

    /** The call on a thread of its own, so that one that hangs is seen to, not waited for. */
    private static CompletableFuture<Object> async(Callable<?> call) {
        CompletableFuture<Object> c = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                c.complete(call.call());
            } catch (Throwable e) {
                c.completeExceptionally(e);
            }
        }, "fault-call");
        t.setDaemon(true);
        t.start();
        return c;
    }

    private static void typed(Findings f, String what, Throwable t) {
        if (!(t instanceof KataException) && !(t instanceof IOException) && !(t instanceof java.io.UncheckedIOException)) {
            f.count("faults: untyped errors (failed)", 1);
            f.failure(what + " threw an untyped " + t);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
