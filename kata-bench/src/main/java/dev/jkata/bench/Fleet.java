package dev.jkata.bench;

import dev.jkata.guestimage.ImageForm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code count} sandboxes alive at once, started at most {@value #MAX_PARALLEL} at a time (all at the same moment
 * for up to that many), and how long that took. More at once would not only be slow under TCG: the agent client's
 * fixed 30 s deadline for CreateContainer runs out when 16 guests share 2 cores.
 */
final class Fleet implements AutoCloseable {
    static final int MAX_PARALLEL = 4;

    final ImageForm form;
    final List<TimedSandbox> sandboxes;
    /** How many were started at the same time. */
    final int parallel;
    /** From the moment all were asked for until the last start() returned. */
    final double wallMs;

    private Fleet(ImageForm form, List<TimedSandbox> sandboxes, int parallel, double wallMs) {
        this.form = form;
        this.parallel = parallel;
        this.sandboxes = sandboxes;
        this.wallMs = wallMs;
    }

    /** @throws TimedSandbox.SandboxUnavailableException when any of them failed to start (the others are closed) */
    static Fleet start(BenchContext ctx, ImageForm form, int count) throws InterruptedException {
        // Under TCG the guests share the host's cores: give each the default boot timeout per core's worth of them.
        int cores = Runtime.getRuntime().availableProcessors();
        int parallel = Math.min(count, MAX_PARALLEL);
        Duration bootTimeout = TimedSandbox.DEFAULT_BOOT_TIMEOUT.multipliedBy(Math.max(1, (parallel + cores - 1) / cores));
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<TimedSandbox>> futures = new ArrayList<>();
        List<TimedSandbox> started = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> TimedSandbox.start(ctx, form, bootTimeout)));
            }
            RuntimeException failure = null;
            for (Future<TimedSandbox> f : futures) {
                try {
                    started.add(f.get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            double wall = TimedSandbox.ms(System.nanoTime() - t0);
            if (failure != null) {
                started.forEach(TimedSandbox::close);
                throw failure;
            }
            return new Fleet(form, List.copyOf(started), parallel, wall);
        } finally {
            pool.shutdown();
        }
    }

    @Override
    public void close() {
        // Closing in parallel: each close gives its guest a few seconds to power off.
        sandboxes.parallelStream().forEach(TimedSandbox::close);
    }
}
