package dev.jkata.bench.campaign;

import dev.jkata.api.Sandbox;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Sandboxes started and closed one after another: the host JVM's threads, open file descriptors and heap after the
 * first (warm) one and after the last. Counts growth beyond a small slack as a leak.
 */
final class SequenceTrial {
    private static final int THREAD_SLACK = 4;
    private static final int FD_SLACK = 8;
    private static final long HEAP_SLACK = 32L << 20;

    private SequenceTrial() {}

    static void run(Path stateRoot, int sandboxes, Findings f) throws Exception {
        int[] threads = new int[2];
        long[] fds = new long[2];
        long[] heap = new long[2];
        for (int i = 0; i < sandboxes; i++) {
            try (Sandbox sb = Sandbox.builder().stateRoot(stateRoot).start()) {
                if (sb.run("true").exitCode() != 0) {
                    f.count("sequence: sandboxes that failed a command", 1);
                }
            }
            if (i == 0 || i == sandboxes - 1) {
                int k = i == 0 ? 0 : 1;
                settle();
                threads[k] = ManagementFactory.getThreadMXBean().getThreadCount();
                fds[k] = openFds();
                heap[k] = usedHeap();
            }
        }
        f.count("sequence: sandboxes started and closed", sandboxes);
        f.figure("sequence: threads after the first / the last", threads[0] + " / " + threads[1]);
        f.figure("sequence: file descriptors after the first / the last", fds[0] + " / " + fds[1]);
        f.figure("sequence: heap used after the first / the last", (heap[0] >> 20) + " / " + (heap[1] >> 20) + " MiB");
        if (sandboxes > 1) {
            f.count("sequence: threads leaked", Math.max(0, threads[1] - threads[0] - THREAD_SLACK));
            f.count("sequence: file descriptors leaked", Math.max(0, fds[1] - fds[0] - FD_SLACK));
            f.count("sequence: heap grown beyond 32 MiB", heap[1] - heap[0] > HEAP_SLACK ? 1 : 0);
        }
        try (Stream<Path> left = Files.list(stateRoot)) {
            f.count("sequence: state directories left", left.count());
        }
    }

    /** Lets closing threads end and the heap settle, so that what is counted is what stays. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(700);
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
