package dev.jkata.cli;

import dev.jkata.image.PullListener;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pull's progress on standard error: on a terminal one bar per layer (bytes, rate), redrawn in place at most ten
 * times a second; otherwise one line per layer when it is done.
 */
final class TerminalPullProgress implements PullListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private long lastDraw;

    private static final class Layer {
        final int line;
        final long started = System.nanoTime();
        long done;
        long total;
        String state = "downloading";

        Layer(int line) {
            this.line = line;
        }
    }

    TerminalPullProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void resolved(String image, String manifestDigest, int count, long bytes) {
        out.printf("==> Pulling %s (%d layers, %.1f MiB)%n", image, count, bytes / 1048576.0);
        out.flush();
    }

    @Override
    public synchronized void layerProgress(String digest, long done, long total) {
        Layer l = layer(digest);
        l.done = done;
        l.total = total;
        long now = System.nanoTime();
        if (terminal && now - lastDraw > REDRAW_NANOS) {
            lastDraw = now;
            redraw(digest, l);
        }
    }

    @Override
    public synchronized void layerDone(String digest, boolean wasCached) {
        Layer l = layer(digest);
        l.done = l.total;
        l.state = wasCached ? "already stored" : "done";
        if (terminal) {
            redraw(digest, l);
        } else {
            out.println("    " + line(digest, l));
            out.flush();
        }
    }

    @Override
    public synchronized void unpacking(String image, int count) {
        out.printf("==> Unpacking %d layers%n", count);
        out.flush();
    }

    @Override
    public synchronized void done(String image, long unpackedBytes) {
        out.printf("    %s ready (%.1f MiB)%n", image, unpackedBytes / 1048576.0);
        out.flush();
    }

    private Layer layer(String digest) {
        return layers.computeIfAbsent(digest, d -> {
            Layer l = new Layer(layers.size());
            if (terminal) {
                out.println("    " + line(d, l));
            }
            return l;
        });
    }

    /** Moves up to the layer's line, rewrites it, and back down: the lines below are the later layers'. */
    private void redraw(String digest, Layer l) {
        int up = layers.size() - l.line;
        out.print("\033[" + up + "A\r\033[2K    " + line(digest, l) + "\033[" + up + "B\r");
        out.flush();
    }

    private static String line(String digest, Layer l) {
        String id = digest.substring(7, 19);
        if (l.total <= 0) {
            return id + " " + l.state;
        }
        int filled = (int) Math.min(BAR, l.done * BAR / l.total);
        double secs = Math.max(0.001, (System.nanoTime() - l.started) / 1e9);
        return String.format("%s [%s%s] %6.1f/%.1f MiB %6.1f MiB/s %s", id, "#".repeat(filled), ".".repeat(BAR - filled),
                l.done / 1048576.0, l.total / 1048576.0, l.done / 1048576.0 / secs,
                l.done >= l.total ? l.state : "");
    }
}
