package dev.jkata.qemu;

import dev.jkata.qemu.errors.QemuLaunchException;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts every QEMU process from one thread that lives as long as the JVM.
 *
 * <p>Why: QEMU runs under {@code setpriv --pdeathsig KILL}, and Linux sends the parent-death signal when the
 * <em>thread</em> that forked the child exits, not the process. Java forks from the calling thread, so a QEMU
 * started from a short-lived caller thread (a request thread, a test's executor) would be killed when that thread
 * ends. A single-thread executor keeps its worker forever, and tasks are submitted as futures, so a failing start
 * never kills the worker.
 */
final class ProcessSpawner {
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jkata-qemu-spawner");
        t.setDaemon(true);
        return t;
    });

    private ProcessSpawner() {
    }

    /**
     * Starts the process on the spawner thread.
     *
     * @throws IOException          as {@link ProcessBuilder#start()} does
     * @throws QemuLaunchException  when the start failed otherwise
     */
    static Process start(ProcessBuilder builder) throws IOException {
        Future<Process> f = SPAWNER.submit(builder::start);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    // The start is already queued; wait for it so a started process is never lost.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new QemuLaunchException("starting " + builder.command().get(0) + " failed: " + e.getCause(),
                    OptionalInt.empty(), List.of(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
