package dev.jkata.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.PullPolicy;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.PullListener;
import dev.jkata.image.registry.CredentialSource;
import dev.jkata.image.registry.Credentials;
import dev.jkata.image.registry.RegistryOptions;
import dev.jkata.image.testing.FaultProxy;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real registry (Debian's docker-registry on loopback) into a real store; faults from a proxy. */
class ImageStoreTest {
    private static final Duration PULL = Duration.ofSeconds(60);
    private static RegistryServer registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startRegistry() throws IOException {
        registry = RegistryServer.plain();
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        registry.close();
    }

    static TestImage layered() {
        return TestImage.create()
                .layer(TestLayer.create().compression(TestLayer.Compression.GZIP)
                        .dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
                        .file("etc/group", "root:x:0:\napp:x:1000:\n")
                        .dir("data").file("data/old", "lower").file("data/keep-me-not", "lower")
                        .dir("gone").file("gone/a", "a")
                        .file("bin/tool", "#!/bin/sh\n", 04755)
                        .file("shared/original", "linked"))
                .layer(TestLayer.create().compression(TestLayer.Compression.ZSTD)
                        .whiteout("gone").opaque("data").file("data/new", "upper")
                        .hardlink("shared/link", "shared/original").symlink("bin/alias", "tool"))
                .env("GREETING=hello").workingDir("/data").user("app").cmd("cat", "/data/new");
    }

    private ImageStore store() {
        return ImageStore.open(tmp.resolve("store"), RegistryOptions.builder().credentials(CredentialSource.none()).build());
    }

    @Test
    void pullsLayersInOrderWithWhiteoutsLinksAndModes() throws IOException {
        layered().push(registry, "test/layered", "v1");
        LocalImage img = store().pull(registry.host() + "/test/layered:v1", PullPolicy.IF_MISSING, PullListener.none(), PULL);
        Path root = img.rootfs();
        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(root.resolve("data/old")).doesNotExist();
        assertThat(root.resolve("data/new")).hasContent("upper");
        assertThat(Files.isSameFile(root.resolve("shared/link"), root.resolve("shared/original"))).isTrue();
        assertThat(Files.readSymbolicLink(root.resolve("bin/alias"))).isEqualTo(Path.of("tool"));
        assertThat((int) Files.getAttribute(root.resolve("bin/tool"), "unix:mode") & 07777).isEqualTo(04755);
        assertThat(img.config().envMap()).containsEntry("GREETING", "hello");
        assertThat(img.config().workingDir()).isEqualTo("/data");
        assertThat(img.config().user()).isEqualTo("app");
        assertThat(img.config().defaultCommand()).containsExactly("cat", "/data/new");
        assertThat(img.config().exposedPorts()).containsExactly("80/tcp");
        assertThat(img.references()).containsExactly(registry.host() + "/test/layered:v1");
        assertThat(store().list()).hasSize(1);
    }

    @Test
    void aSecondPullOfAStoredImageAsksNoRegistryAndNeverIsOffline() throws IOException {
        try (RegistryServer own = RegistryServer.plain(); FaultProxy proxy = FaultProxy.in(own)) {
            layered().push(own, "test/offline", "v1");
            String ref = proxy.host() + "/test/offline:v1";
            assertThatThrownBy(() -> store().pull(ref, PullPolicy.NEVER, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_PULLED))
                    .hasMessageContaining("kata image pull");
            LocalImage first = store().pull(ref, PullPolicy.IF_MISSING, PullListener.none(), PULL);
            int blobs = proxy.blobRequests();
            assertThat(blobs).isEqualTo(3); // config and two layers
            own.close();
            assertThat(store().pull(ref, PullPolicy.IF_MISSING, PullListener.none(), PULL).manifestDigest())
                    .isEqualTo(first.manifestDigest());
            assertThat(store().pull(ref, PullPolicy.NEVER, PullListener.none(), PULL).rootfs()).isEqualTo(first.rootfs());
            assertThat(proxy.blobRequests()).isEqualTo(blobs);
        }
    }

    @Test
    void anIndexResolvesToLinuxAmd64AndOneWithoutItIsRefused() throws IOException {
        layered().index("linux/arm64", "linux/amd64").push(registry, "test/multi", "v1");
        LocalImage img = store().pull(registry.host() + "/test/multi:v1", PullPolicy.ALWAYS, PullListener.none(), PULL);
        assertThat(img.rootfs().resolve("data/new")).hasContent("upper");

        layered().index("linux/arm64", "linux/s390x").push(registry, "test/noamd64", "v1");
        ImageStore s = store();
        assertThatThrownBy(() -> s.pull(registry.host() + "/test/noamd64:v1", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("test/noamd64").hasMessageContaining("linux/amd64").hasMessageContaining("linux/arm64");
        assertThat(s.list()).hasSize(1);
        assertNoScratch();
    }

    @Test
    void unknownRepositoryTagAndADownRegistryAreTypedAndStoreNothing() throws IOException {
        ImageStore s = store();
        assertThatThrownBy(() -> s.pull(registry.host() + "/test/nosuch:v1", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("test/nosuch");
        layered().push(registry, "test/tags", "v1");
        assertThatThrownBy(() -> s.pull(registry.host() + "/test/tags:v2", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("v2");
        ImageStore quick = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder().credentials(CredentialSource.none())
                .attempts(2).build());
        int port = freePort();
        assertThatThrownBy(() -> quick.pull("127.0.0.1:" + port + "/test/x:v1", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED))
                .hasMessageContaining("cannot reach");
        assertThat(s.list()).isEmpty();
        assertStoreEmpty();
    }

    @Test
    void basicAuthWithRightWrongAndNoCredentials() throws IOException {
        try (RegistryServer auth = RegistryServer.basicAuth("alice", "s3cret")) {
            layered().push(auth, "test/private", "v1", "alice:s3cret");
            String ref = auth.host() + "/test/private:v1";
            ImageStore none = store();
            assertThatThrownBy(() -> none.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessageContaining("docker login");
            ImageStore wrong = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                    .credentials(CredentialSource.of(Map.of(auth.host(), new Credentials("alice", "wrong")))).build());
            assertThatThrownBy(() -> wrong.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessageContaining("check the credentials");
            assertStoreEmpty();
            ImageStore right = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                    .credentials(CredentialSource.of(Map.of(auth.host(), new Credentials("alice", "s3cret")))).build());
            assertThat(right.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL).rootfs().resolve("data/new")).exists();
        }
    }

    @Test
    void dockerConfigAuthIsRead() throws IOException {
        try (RegistryServer auth = RegistryServer.basicAuth("bob", "pw")) {
            layered().push(auth, "test/cfg", "v1", "bob:pw");
            Path cfg = tmp.resolve("config.json");
            String b64 = java.util.Base64.getEncoder().encodeToString("bob:pw".getBytes());
            Files.writeString(cfg, "{\"auths\":{\"http://" + auth.host() + "\":{\"auth\":\"" + b64 + "\"}}}");
            ImageStore s = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                    .credentials(new dev.jkata.image.registry.DockerConfigCredentials(cfg)).build());
            assertThat(s.pull(auth.host() + "/test/cfg:v1", PullPolicy.ALWAYS, PullListener.none(), PULL).layers()).hasSize(2);
        }
    }

    @Test
    void tlsWithTheGivenCaAndRefusedWithoutIt() throws IOException {
        try (RegistryServer tls = RegistryServer.tls()) {
            layered().push(tls, "test/tls", "v1");
            String ref = tls.host() + "/test/tls:v1";
            ImageStore untrusting = store();
            assertThatThrownBy(() -> untrusting.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED))
                    .hasMessageContaining("certificate");
            ImageStore trusting = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                    .credentials(CredentialSource.none()).caCertificate(tls.caCertificate()).build());
            assertThat(trusting.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL).rootfs().resolve("data/new")).exists();
        }
    }

    @Test
    void aLayerThatEscapesItsRootIsRefusedAndNothingIsStored() throws IOException {
        Path outside = tmp.resolve("outside");
        TestImage.create()
                .layer(TestLayer.create().symlink("escape", "/../../../../" + outside))
                .layer(TestLayer.create().file("escape/pwned", "x"))
                .push(registry, "test/escape", "v1");
        ImageStore s = store();
        try {
            s.pull(registry.host() + "/test/escape:v1", PullPolicy.ALWAYS, PullListener.none(), PULL);
        } catch (ImageException e) {
            assertThat(e.kind()).isEqualTo(Kind.BAD_LAYER);
            assertThat(e).hasMessageContaining("test/escape");
        }
        // contained or refused: never outside
        assertThat(outside).doesNotExist();
        TestImage.create().layer(TestLayer.create().file("../../up", "x")).push(registry, "test/dotdot", "v1");
        assertThatThrownBy(() -> s.pull(registry.host() + "/test/dotdot:v1", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_LAYER))
                .hasMessageContaining("test/dotdot").hasMessageContaining("up");
        assertThat(tmp.resolve("up")).doesNotExist();
        assertNoScratch();
        assertThat(s.list().stream().filter(i -> i.references().toString().contains("dotdot"))).isEmpty();
    }

    @Test
    void aDroppedBlobResumesAndACorruptOneStoresNothing() throws IOException {
        TestImage big = TestImage.create().layer(TestLayer.create().compression(TestLayer.Compression.NONE)
                .file("big", randomBytes(3 << 20), 0644, 0, 0));
        big.push(registry, "test/big", "v1");
        try (FaultProxy proxy = FaultProxy.in(registry)) {
            String ref = proxy.host() + "/test/big:v1";
            proxy.fault(FaultProxy.Fault.DROP_HALFWAY, 1);
            LocalImage img = store().pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL);
            assertThat(Files.size(img.rootfs().resolve("big"))).isEqualTo(3 << 20);
            assertThat(proxy.rangeRequests()).as("the broken-off download resumed with a Range request").isEqualTo(1);
            store().remove(ref);
            assertStoreEmpty();

            proxy.fault(FaultProxy.Fault.CORRUPT, 100);
            assertThatThrownBy(() -> store().pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.DIGEST_MISMATCH))
                    .hasMessageContaining("nothing was stored");
            assertStoreEmpty();

            proxy.fault(FaultProxy.Fault.DROP_HALFWAY, 100);
            assertThatThrownBy(() -> store().pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED))
                    .hasMessageContaining("broke off");
            assertStoreEmpty();

            proxy.fault(FaultProxy.Fault.STALL, 100);
            ImageStore impatient = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                    .credentials(CredentialSource.none()).stallTimeout(Duration.ofSeconds(1)).attempts(2).build());
            assertThatThrownBy(() -> impatient.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED))
                    .hasMessageContaining("sent nothing");
            assertStoreEmpty();

            proxy.fault(FaultProxy.Fault.ERROR_500, 2);
            assertThat(store().pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL).layers()).hasSize(1);
        }
    }

    @Test
    void concurrentPullsOfOneNewImageUnpackItOnce() throws Exception {
        layered().push(registry, "test/race", "v1");
        String ref = registry.host() + "/test/race:v1";
        ConcurrentLinkedQueue<String> unpacks = new ConcurrentLinkedQueue<>();
        PullListener counting = new PullListener() {
            @Override
            public void unpacking(String image, int layers) {
                unpacks.add(image);
            }
        };
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> threads = Stream.generate(() -> new Thread(() -> {
            try {
                go.await();
                store().pull(ref, PullPolicy.IF_MISSING, counting, PULL);
            } catch (Throwable t) {
                failed.set(t);
            }
        })).limit(4).toList();
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failed.get()).isNull();
        assertThat(unpacks).hasSize(1);
        assertThat(store().list()).hasSize(1);
    }

    @Test
    void anImageInUseIsNotRemovedAndRemoveCollectsItsBlobs() throws IOException {
        layered().push(registry, "test/inuse", "v1");
        String ref = registry.host() + "/test/inuse:v1";
        ImageStore s = store();
        LocalImage img = s.pull(ref, PullPolicy.IF_MISSING, PullListener.none(), PULL);
        try (ImageStore.Lease lease = s.use(img)) {
            assertThatThrownBy(() -> s.remove(img.shortId()))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.IN_USE));
            assertThat(s.prune(Duration.ZERO, 0)).isEmpty();
            assertThat(img.rootfs()).exists();
        }
        assertThat(s.remove(ref)).hasSize(1);
        assertStoreEmpty();
        assertThatThrownBy(() -> s.remove(ref))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
        s.pull(ref, PullPolicy.IF_MISSING, PullListener.none(), PULL);
        assertThat(s.prune(Duration.ZERO, Long.MAX_VALUE)).hasSize(1);
        assertStoreEmpty();
    }

    @Test
    void aFullDiskIsTypedAndLeavesNothing() throws Exception {
        assertThat(dev.jkata.image.layer.Ownership.forThisProcess()).as("mounting a small tmpfs needs root; run the"
                + " tests as root (scripts/test.sh does on CI)").isEqualTo(dev.jkata.image.layer.Ownership.NATIVE);
        TestImage.create().layer(TestLayer.create().compression(TestLayer.Compression.NONE)
                .file("big", randomBytes(6 << 20), 0644, 0, 0)).push(registry, "test/full", "v1");
        Path small = tmp.resolve("small");
        Files.createDirectories(small);
        exec("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString());
        try {
            ImageStore s = ImageStore.open(small.resolve("store"), RegistryOptions.builder().credentials(CredentialSource.none()).build());
            assertThatThrownBy(() -> s.pull(registry.host() + "/test/full:v1", PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.STORE_FAILED))
                    .hasMessageContaining("test/full").hasMessageContaining("full");
            try (Stream<Path> blobs = Files.list(small.resolve("store/blobs/sha256"));
                 Stream<Path> images = Files.list(small.resolve("store/images"));
                 Stream<Path> scratch = Files.list(small.resolve("store/tmp"))) {
                assertThat(blobs.toList()).isEmpty();
                assertThat(images.toList()).isEmpty();
                assertThat(scratch.toList()).isEmpty();
            }
        } finally {
            exec("umount", small.toString());
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    @Test
    void badReferencesAreTyped() {
        for (String bad : List.of("", "UPPER/case", "name:", "a@sha256:xyz", "a:b:c/d", "reg:port:9/x")) {
            assertThatThrownBy(() -> store().pull(bad, PullPolicy.IF_MISSING, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REFERENCE));
        }
    }

    private void assertStoreEmpty() throws IOException {
        Path d = tmp.resolve("store");
        try (Stream<Path> blobs = Files.list(d.resolve("blobs/sha256"));
             Stream<Path> images = Files.list(d.resolve("images"))) {
            assertThat(blobs.toList()).isEmpty();
            assertThat(images.toList()).isEmpty();
        }
        assertNoScratch();
    }

    private void assertNoScratch() throws IOException {
        try (Stream<Path> scratch = Files.list(tmp.resolve("store/tmp"))) {
            assertThat(scratch.filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList()).isEmpty();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
