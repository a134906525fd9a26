package dev.jkata.core.containerimage;

import dev.jkata.image.PullListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A pull's progress as SLF4J lines (logger {@code dev.jkata.progress}): one per layer at each quarter, and the steps. */
public final class LoggingPullListener implements PullListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.jkata.progress");
    private final Map<String, Integer> quarters = new ConcurrentHashMap<>();

    @Override
    public void resolved(String image, String manifestDigest, int layers, long bytes) {
        LOG.info("Pulling {} ({}): {} layers, {} MiB", image, manifestDigest, layers, bytes >> 20);
    }

    @Override
    public void layerProgress(String digest, long done, long total) {
        int q = total <= 0 ? 4 : (int) (done * 4 / total);
        Integer before = quarters.put(digest, q);
        if (before != null && before < q && q < 4) {
            LOG.info("  layer {}: {}% of {} MiB", digest.substring(7, 19), q * 25, total >> 20);
        }
    }

    @Override
    public void layerDone(String digest, boolean wasCached) {
        LOG.info("  layer {}: {}", digest.substring(7, 19), wasCached ? "already stored" : "done");
    }

    @Override
    public void unpacking(String image, int layers) {
        LOG.info("Unpacking {} ({} layers)", image, layers);
    }

    @Override
    public void done(String image, long unpackedBytes) {
        LOG.info("Image {} ready ({} MiB unpacked)", image, unpackedBytes >> 20);
    }
}
