package dev.jkata.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.api.PullPolicy;
import dev.jkata.image.PullListener;
import dev.jkata.image.layer.LayerCompression;
import dev.jkata.image.layer.LayerUnpacker;
import dev.jkata.image.layer.Ownership;
import dev.jkata.image.registry.CredentialSource;
import dev.jkata.image.registry.RegistryOptions;
import dev.jkata.image.store.ImageStore;
import dev.jkata.image.store.LocalImage;
import dev.jkata.image.testing.FaultProxy;
import dev.jkata.image.testing.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Container images (issue 12): a multi-layer image of well over 100 MiB made from this machine's own files, pushed
 * to a loopback registry; our pull (download and verify) against {@code skopeo copy docker://... oci:DIR} of the
 * same image from the same registry, our unpack against {@code tar -xzf} of the same layers, and the blob requests
 * a second start of the image makes (none).
 */
final class ImageBench {
    private static final String SECTION = "image";
    /** Host trees that make the layers: text, already-compressed man pages, binary message catalogues. */
    private static final List<String> TREES = List.of("usr/lib/python3", "usr/share/man", "usr/share/locale");

    private final BenchContext ctx;
    private final Report report;

    ImageBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws Exception {
        Path work = ctx.work().resolve("image-bench");
        Path layout = layout(work.resolve("layout"));
        try (RegistryServer registry = RegistryServer.plain(); FaultProxy counter = FaultProxy.in(registry)) {
            exec(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":bench",
                    "docker://" + registry.host() + "/bench/big:1"));
            String ref = registry.host() + "/bench/big:1";
            int runs = Math.max(1, Math.min(ctx.options.runs(), 3));
            List<Double> skopeo = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            List<Double> unpack = new ArrayList<>();
            List<Double> tar = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < runs; i++) {
                Path dir = work.resolve("skopeo-" + i);
                deleteTree(dir);
                exec(List.of("sync"));
                long t0 = System.nanoTime();
                exec(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + ref, "oci:" + dir + ":x"));
                skopeo.add(ms(t0));
                deleteTree(dir);

                Path storeDir = work.resolve("store-" + i);
                deleteTree(storeDir);
                ImageStore store = ImageStore.open(storeDir, RegistryOptions.builder().credentials(CredentialSource.none()).build());
                long[] marks = new long[3];
                exec(List.of("sync"));
                marks[0] = System.nanoTime();
                LocalImage img = store.pull(ref, PullPolicy.ALWAYS, new PullListener() {
                    @Override
                    public void unpacking(String image, int layers) {
                        marks[1] = System.nanoTime();
                    }
                }, Duration.ofMinutes(10));
                marks[2] = System.nanoTime();
                ours.add((marks[1] - marks[0]) / 1e6);
                bytes = img.unpackedBytes();

                // unpacking alone, ours and tar's, each from the same layer files after the disk has settled
                Path mine = work.resolve("unpack-" + i);
                deleteTree(mine);
                Files.createDirectories(mine);
                exec(List.of("sync"));
                long t2 = System.nanoTime();
                for (Path layer : layerFiles(layout)) {
                    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(layer), 1 << 16);
                         InputStream plain = LayerCompression.GZIP.decompress(in)) {
                        LayerUnpacker.apply(mine, plain, "bench", "sha256:" + layer.getFileName(), Ownership.forThisProcess());
                    }
                }
                unpack.add(ms(t2));
                deleteTree(mine);

                Path into = work.resolve("tar-" + i);
                deleteTree(into);
                Files.createDirectories(into);
                exec(List.of("sync"));
                long t1 = System.nanoTime();
                for (Path layer : layerFiles(layout)) {
                    exec(List.of("tar", "-xzf", layer.toString(), "-C", into.toString()));
                }
                tar.add(ms(t1));
                deleteTree(into);

                if (i == runs - 1) {
                    String proxied = counter.host() + "/bench/big:1";
                    ImageStore again = ImageStore.open(storeDir, RegistryOptions.builder().credentials(CredentialSource.none()).build());
                    again.pull(ref, PullPolicy.IF_MISSING, PullListener.none(), Duration.ofMinutes(1));
                    int before = counter.blobRequests();
                    again.pull(proxied, PullPolicy.IF_MISSING, PullListener.none(), Duration.ofMinutes(10));
                    int firstViaProxy = counter.blobRequests() - before;
                    again.pull(proxied, PullPolicy.IF_MISSING, PullListener.none(), Duration.ofMinutes(1));
                    int second = counter.blobRequests() - before - firstViaProxy;
                    report.add(Report.Row.withTarget(SECTION, "second start of a stored image: blob requests", second, "requests",
                            Report.Target.valueAtMost(0, "requests"), "the same image pulled under another registry name made "
                            + firstViaProxy + " blob requests (its manifest digest was already stored); then a second start made none"));
                }
                deleteTree(storeDir);
            }
            long compressed = 0;
            for (Path l : layerFiles(layout)) {
                compressed += Files.size(l);
            }
            String size = String.format("%d layers, %.0f MiB compressed, %.0f MiB unpacked", layerFiles(layout).size(),
                    compressed / 1048576.0, bytes / 1048576.0);
            report.add(Report.Row.vsFloor(SECTION, "pull: resolve, download and verify", Stats.of(ours).median(), "ms",
                    "skopeo copy docker:// oci:", Stats.of(skopeo).median(), Report.Target.ratioAtMost(1.2), size + ", median of " + runs));
            report.add(Report.Row.vsFloor(SECTION, "unpack layers", Stats.of(unpack).median(), "ms", "tar -xzf each layer",
                    Stats.of(tar).median(), Report.Target.ratioAtMost(1.5), size + ", median of " + runs));
        }
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /** An OCI layout of the host trees, one gzip'ed layer each, built once into the bench's work directory. */
    private static Path layout(Path dir) throws Exception {
        if (Files.isRegularFile(dir.resolve("index.json"))) {
            return dir;
        }
        deleteTree(dir);
        Path blobs = dir.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("os", "linux");
        config.put("architecture", "amd64");
        config.putObject("config").putArray("Cmd").add("sh");
        ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ArrayNode layers = manifest.putArray("layers");
        for (String tree : TREES) {
            Path tarFile = dir.resolve("layer.tar");
            exec(List.of("tar", "-C", "/", "-cf", tarFile.toString(), tree));
            diffIds.add("sha256:" + sha256(tarFile));
            exec(List.of("gzip", "-n", "-f", tarFile.toString()));
            Path gz = dir.resolve("layer.tar.gz");
            layers.add(move(gz, blobs, "application/vnd.oci.image.layer.v1.tar+gzip", json));
        }
        Path cfg = dir.resolve("config.json");
        Files.write(cfg, json.writeValueAsBytes(config));
        manifest.set("config", move(cfg, blobs, "application/vnd.oci.image.config.v1+json", json));
        Path man = dir.resolve("manifest.json");
        Files.write(man, json.writeValueAsBytes(manifest));
        ObjectNode desc = move(man, blobs, "application/vnd.oci.image.manifest.v1+json", json);
        desc.putObject("annotations").put("org.opencontainers.image.ref.name", "bench");
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").add(desc);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(dir.resolve("index.json"), json.writeValueAsBytes(index));
        return dir;
    }

    private static List<Path> layerFiles(Path layout) throws IOException {
        ObjectMapper json = new ObjectMapper();
        String digest = json.readTree(layout.resolve("index.json").toFile()).path("manifests").path(0).path("digest").asText();
        List<Path> out = new ArrayList<>();
        json.readTree(layout.resolve("blobs/sha256").resolve(digest.substring(7)).toFile()).path("layers")
                .forEach(l -> out.add(layout.resolve("blobs/sha256").resolve(l.path("digest").asText().substring(7))));
        return out;
    }

    private static ObjectNode move(Path file, Path blobs, String mediaType, ObjectMapper json) throws Exception {
        String hex = sha256(file);
        long size = Files.size(file);
        Files.move(file, blobs.resolve(hex), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode d = json.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", "sha256:" + hex);
        d.put("size", size);
        return d;
    }

    private static String sha256(Path file) throws Exception {
        return dev.jkata.guestimage.cache.Digest.sha256(file);
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException, InterruptedException {
        if (Files.exists(dir)) {
            exec(List.of("rm", "-rf", dir.toString()));
        }
    }

}
