package dev.jkata.core.pool;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes started ahead, as Kata's VM cache keeps guests ahead: for a spec asking for {@link SandboxSpec#pool()}
 * of them, each successful start is followed by a fill in the background up to that many, and the next start of an
 * equal spec takes one that is already running. One fill runs at a time in the JVM (starting guests is what the
 * host's cores are for; two at once only slow each other), the whole pool holds at most {@value #MAX_TOTAL}, and
 * it is closed with the JVM. A fill that fails is said at WARN and not retried until the next start of that spec.
 *
 * <p>The pool knows nothing of guests: a {@link Starter} starts a sandbox, a {@link Taker} readies a pooled one for
 * its caller (and refuses one whose guest has gone).
 */
public final class SandboxPool {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxPool.class);
    /** The most sandboxes held ahead in one JVM, over every spec. */
    public static final int MAX_TOTAL = 16;
    /** What closing the pool at the JVM's exit may take. */
    private static final Duration CLOSE_BUDGET = Duration.ofSeconds(15);
    private static final SandboxPool SHARED = new SandboxPool();

    /** Starts a sandbox of {@code spec}: the caller's, or the pool's thread filling ahead. */
    @FunctionalInterface
    public interface Starter {
        Sandbox start(SandboxSpec spec);
    }

    /** Readies a pooled sandbox for the caller taking it; false when it is no longer fit to be used (then closed). */
    @FunctionalInterface
    public interface Taker {
        boolean take(Sandbox sandbox);
    }

    private record Pooled(Sandbox sandbox, Instant since) {}

    /** One spec's sandboxes ahead and its fill in flight. */
    private static final class Entry {
        final Deque<Pooled> ready = new ArrayDeque<>();
        Future<?> fill;
    }

    private final Map<SandboxSpec, Entry> entries = new HashMap<>();
    private final ExecutorService filler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jkata-pool");
        t.setDaemon(true);
        return t;
    });
    /** Bumped by {@link #drain()}: a fill that began before the drain closes what it started. */
    private long generation;
    private boolean closed;
    private boolean hooked;

    SandboxPool() {
    }

    /** The JVM's pool, which every jkata provider starts through. */
    public static SandboxPool shared() {
        return SHARED;
    }

    /**
     * A running sandbox of {@code spec}: one taken from the pool when an equal spec's is ready and {@code taker}
     * accepts it, otherwise started now by {@code starter}; either way the pool is then filled again in the
     * background by {@code ahead}, a start that may also warm what the next caller's first calls run (it has the
     * time; the caller does not). A spec without {@link SandboxSpec#pool()} is started now and nothing is kept.
     */
    public Sandbox start(SandboxSpec spec, Starter starter, Starter ahead, Taker taker) {
        if (spec.pool() == 0) {
            return starter.start(spec);
        }
        for (Pooled p = poll(spec); p != null; p = poll(spec)) {
            boolean fit;
            try {
                fit = taker.take(p.sandbox());
            } catch (RuntimeException e) {
                LOG.debug("pooled sandbox refused", e);
                fit = false;
            }
            if (fit) {
                refill(spec, ahead);
                return p.sandbox();
            }
            LOG.warn("A sandbox started ahead ({}, {} s ago) can no longer be used; closing it", p.sandbox().id(),
                    Duration.between(p.since(), Instant.now()).toSeconds());
            closeQuietly(p.sandbox());
        }
        Sandbox s = starter.start(spec);
        refill(spec, ahead);
        return s;
    }

    /** How many sandboxes of {@code spec} are ready now. */
    public synchronized int ready(SandboxSpec spec) {
        Entry e = entries.get(spec);
        return e == null ? 0 : e.ready.size();
    }

    /** Waits until {@code count} sandboxes of {@code spec} are ready; false when {@code timeout} passes first. */
    public boolean awaitReady(SandboxSpec spec, int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (ready(spec) < count) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Closes every sandbox the pool holds, and what a fill in flight is starting once it has started; the pool
     * fills again at the next start of a pooled spec.
     *
     * @return how many sandboxes were closed
     */
    public int drain() {
        List<Sandbox> held = new ArrayList<>();
        List<Future<?>> fills = new ArrayList<>();
        synchronized (this) {
            generation++;
            for (Entry e : entries.values()) {
                e.ready.forEach(p -> held.add(p.sandbox()));
                e.ready.clear();
                if (e.fill != null) {
                    fills.add(e.fill);
                }
            }
        }
        held.forEach(SandboxPool::closeQuietly);
        for (Future<?> f : fills) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("fill failed", e);
            }
        }
        return held.size();
    }

    private synchronized Pooled poll(SandboxSpec spec) {
        Entry e = entries.get(spec);
        return e == null ? null : e.ready.pollFirst();
    }

    private synchronized int readyInAll() {
        return entries.values().stream().mapToInt(e -> e.ready.size()).sum();
    }

    private synchronized void refill(SandboxSpec spec, Starter starter) {
        Entry e = entries.computeIfAbsent(spec, k -> new Entry());
        if (closed || e.fill != null || e.ready.size() >= spec.pool()) {
            return;
        }
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "jkata-pool-close"));
            hooked = true;
        }
        long gen = generation;
        e.fill = filler.submit(() -> fill(spec, e, starter, gen));
    }

    /** Starts sandboxes of {@code spec} one after another until it has its count, the pool is full or one fails. */
    private void fill(SandboxSpec spec, Entry e, Starter starter, long gen) {
        while (true) {
            synchronized (this) {
                if (closed || gen != generation || e.ready.size() >= spec.pool() || readyInAll() >= MAX_TOTAL) {
                    e.fill = null;
                    return;
                }
            }
            Sandbox s;
            try {
                s = starter.start(spec);
            } catch (RuntimeException ex) {
                LOG.warn("Could not start a sandbox ahead for the pool ({}); it holds {} until the next start of this"
                        + " configuration", ex.getMessage(), ready(spec));
                synchronized (this) {
                    e.fill = null;
                }
                return;
            }
            boolean keep;
            synchronized (this) {
                keep = !closed && gen == generation;
                if (keep) {
                    e.ready.addLast(new Pooled(s, Instant.now()));
                }
            }
            if (!keep) {
                closeQuietly(s);
            } else {
                LOG.info("Sandbox {} started ahead: {} of {} ready for the next starts of its configuration", s.id(),
                        ready(spec), spec.pool());
            }
        }
    }

    /** At the JVM's exit: closes what the pool holds, in parallel, within {@link #CLOSE_BUDGET}. */
    private void close() {
        List<Sandbox> held = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Entry e : entries.values()) {
                e.ready.forEach(p -> held.add(p.sandbox()));
                e.ready.clear();
            }
        }
        List<Thread> closing = new ArrayList<>();
        for (Sandbox s : held) {
            Thread t = new Thread(() -> closeQuietly(s), "jkata-pool-close-" + s.id());
            t.start();
            closing.add(t);
        }
        long end = System.nanoTime() + CLOSE_BUDGET.toNanos();
        for (Thread t : closing) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // a fill in flight ends with the JVM; its guest dies with it (the hypervisor is tied to the JVM's life)
    }

    private static void closeQuietly(Sandbox s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the pooled sandbox {} failed: {}", s.id(), e.getMessage());
        }
    }
}
