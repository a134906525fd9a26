package dev.jkata.image.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image a test builds from its own files: layers, a config (env, entrypoint, cmd, working directory, user),
 * written as an OCI image layout and pushed to a {@link RegistryServer} with skopeo. Optionally a multi-platform
 * index, with or without a linux/amd64 entry.
 */
public final class TestImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TestLayer> layers = new ArrayList<>();
    private final List<String> env = new ArrayList<>(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
    private final Map<String, String> labels = new LinkedHashMap<>();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workingDir = "";
    private String user = "";
    private List<String> platforms = List.of();

    public static TestImage create() {
        return new TestImage();
    }

    /** The layers so far, bottom first. */
    public List<TestLayer> layers() {
        return List.copyOf(layers);
    }

    public TestImage layer(TestLayer l) {
        layers.add(l);
        return this;
    }

    public TestImage env(String keyValue) {
        env.add(keyValue);
        return this;
    }

    public TestImage entrypoint(String... args) {
        entrypoint = List.of(args);
        return this;
    }

    public TestImage cmd(String... args) {
        cmd = List.of(args);
        return this;
    }

    public TestImage workingDir(String dir) {
        workingDir = dir;
        return this;
    }

    public TestImage user(String u) {
        user = u;
        return this;
    }

    public TestImage label(String k, String v) {
        labels.put(k, v);
        return this;
    }

    /** Publishes an index with these platforms ({@code linux/amd64}, {@code linux/arm64}, ...), each the same layers. */
    public TestImage index(String... osArch) {
        platforms = List.of(osArch);
        return this;
    }

    /** Writes an OCI image layout to {@code dir} with {@code tag}; returns the top manifest's (or index's) digest. */
    public String writeLayout(Path dir, String tag) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode top;
        if (platforms.isEmpty()) {
            top = manifestDescriptor(dir, "amd64");
        } else {
            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", "application/vnd.oci.image.index.v1+json");
            ArrayNode ms = index.putArray("manifests");
            for (String p : platforms) {
                String[] oa = p.split("/");
                ObjectNode d = manifestDescriptor(dir, oa[1]);
                ObjectNode plat = d.putObject("platform");
                plat.put("os", oa[0]);
                plat.put("architecture", oa[1]);
                ms.add(d);
            }
            top = descriptor("application/vnd.oci.image.index.v1+json", writeBlob(dir, JSON.writeValueAsBytes(index)));
        }
        top.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        ObjectNode layout = JSON.createObjectNode();
        layout.put("schemaVersion", 2);
        layout.putArray("manifests").add(top);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(layout));
        return top.get("digest").asText();
    }

    private ObjectNode manifestDescriptor(Path dir, String arch) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", arch);
        config.put("os", "linux");
        ObjectNode c = config.putObject("config");
        ArrayNode e = c.putArray("Env");
        env.forEach(e::add);
        if (!entrypoint.isEmpty()) {
            ArrayNode a = c.putArray("Entrypoint");
            entrypoint.forEach(a::add);
        }
        if (!cmd.isEmpty()) {
            ArrayNode a = c.putArray("Cmd");
            cmd.forEach(a::add);
        }
        c.put("WorkingDir", workingDir);
        c.put("User", user);
        ObjectNode l = c.putObject("Labels");
        labels.forEach(l::put);
        c.putObject("ExposedPorts").putObject("80/tcp");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ArrayNode ls = manifest.putArray("layers");
        for (TestLayer layer : layers) {
            diffIds.add("sha256:" + sha256(layer.tar()));
            ls.add(descriptor(layer.compression().mediaType, writeBlob(dir, layer.blob())));
        }
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json",
                writeBlob(dir, JSON.writeValueAsBytes(config))));
        return descriptor("application/vnd.oci.image.manifest.v1+json", writeBlob(dir, JSON.writeValueAsBytes(manifest)));
    }

    private record Blob(String digest, long size) {}

    private static Blob writeBlob(Path dir, byte[] bytes) throws IOException {
        String hex = sha256(bytes);
        Files.write(dir.resolve("blobs/sha256").resolve(hex), bytes);
        return new Blob("sha256:" + hex, bytes.length);
    }

    private static ObjectNode descriptor(String mediaType, Blob b) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", b.digest);
        d.put("size", b.size);
        return d;
    }

    /** Writes the image as a layout in a temp directory and pushes it as {@code repository:tag}. */
    public String push(RegistryServer registry, String repository, String tag, String creds) throws IOException {
        Path dir = Files.createTempDirectory("jkata-image");
        try {
            String digest = writeLayout(dir, tag);
            List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
            if (!platforms.isEmpty()) {
                cmd.add("--all");
            }
            if (creds != null) {
                cmd.add("--dest-creds=" + creds);
            }
            cmd.add("oci:" + dir + ":" + tag);
            cmd.add("docker://" + registry.host() + "/" + repository + ":" + tag);
            RegistryServer.run(cmd);
            return digest;
        } finally {
            Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    public String push(RegistryServer registry, String repository, String tag) throws IOException {
        return push(registry, repository, tag, null);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
