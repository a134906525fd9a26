package dev.jkata.image.layer;

import dev.jkata.image.ImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Jazzer target: a layer blob a hostile registry chooses, through the host's decompression (the first byte picks
 * plain, gzip or zstd) and unpacker. Each input either applies or fails with an {@link ImageException}, within a byte
 * budget; nothing is ever written beside the image's root, and no decoder allocates what the blob asks (the target's
 * JVM has a small heap).
 */
public final class LayerFuzz {
    private static final long BUDGET = 16L << 20;
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("layer-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LayerFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        if (data.length < 1) {
            return;
        }
        LayerCompression c = LayerCompression.values()[(data[0] & 0xff) % LayerCompression.values().length];
        Path root = Files.createDirectories(DIR.resolve("root"));
        Path beside = Files.createDirectories(DIR.resolve("beside"));
        try (InputStream raw = new ByteArrayInputStream(data, 1, data.length - 1)) {
            InputStream tar;
            try {
                tar = c.decompress(raw);
            } catch (IOException e) {
                return; // not that compression: refused before unpacking, as the store reports it
            }
            LayerUnpacker.apply(root, tar, "fuzz:1", "sha256:fuzz", Ownership.forThisProcess(), BUDGET);
        } catch (ImageException expected) {
            // a typed refusal is what a bad layer gets
        } finally {
            try (Stream<Path> s = Files.list(beside)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalStateException("the layer wrote beside the image's root");
                }
            }
            try (Stream<Path> s = Files.list(DIR)) {
                long others = s.filter(p -> !p.equals(root) && !p.equals(beside)).count();
                if (others > 0) {
                    throw new IllegalStateException("the layer wrote outside the image's root");
                }
            }
            FileTreesForFuzz.delete(root);
        }
    }

    /** Deletes a tree without following links (the layer may have made any). */
    static final class FileTreesForFuzz {
        static void delete(Path p) throws IOException {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                p.toFile().setWritable(true);
                try (Stream<Path> s = Files.list(p)) {
                    for (Path c : s.toList()) {
                        delete(c);
                    }
                }
            }
            Files.deleteIfExists(p);
        }
    }
}
