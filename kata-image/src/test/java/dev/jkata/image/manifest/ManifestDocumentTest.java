package dev.jkata.image.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestDocumentTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private static ManifestDocument parse(String json, String type) {
        return ManifestDocument.parse(json.getBytes(StandardCharsets.UTF_8), type, "img");
    }

    @Test
    void manifestsAndIndexesOfBothKinds() {
        String docker = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" + D1 + "\",\"size\":10},"
                + "\"layers\":[{\"mediaType\":\"l\",\"digest\":\"" + D2 + "\",\"size\":20}]}";
        ManifestDocument m = parse(docker, MediaTypes.DOCKER_MANIFEST);
        assertThat(m).isInstanceOf(ManifestDocument.Image.class);
        assertThat(((ManifestDocument.Image) m).contentSize()).isEqualTo(30);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"m\",\"digest\":\"" + D1 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"mediaType\":\"m\",\"digest\":\"" + D2 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        ManifestDocument.Index i = (ManifestDocument.Index) parse(index, null);
        assertThat(i.select(Platform.LINUX_AMD64, "img").digest()).isEqualTo(D2);
        String armOnly = index.replace("amd64", "s390x");
        assertThatThrownBy(() -> ((ManifestDocument.Index) parse(armOnly, null)).select(Platform.LINUX_AMD64, "img"))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("linux/arm64").hasMessageContaining("linux/s390x");
    }

    @Test
    void schemaOneAndMalformedDocumentsAreRefused() {
        assertThatThrownBy(() -> parse("{\"schemaVersion\":1,\"fsLayers\":[]}", MediaTypes.DOCKER_SCHEMA1_SIGNED))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("schema 1").hasMessageContaining("push the image again");
        assertThatThrownBy(() -> parse("not json", null))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED));
        assertThatThrownBy(() -> parse("[1]", null))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED));
        assertThatThrownBy(() -> parse("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"digest\":\"sha256:bad\",\"size\":1},\"layers\":[]}", null))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REGISTRY_FAILED))
                .hasMessageContaining("descriptor");
        assertThatThrownBy(() -> parse("{\"mediaType\":\"application/x-other\"}", null))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("supported are");
    }

    /** N-M1: a manifest of 500 layers is refused before any blob is fetched. */
    @Test
    void moreThan128LayersAreRefused() {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"l\",\"digest\":\"").append(D2).append("\",\"size\":20}");
        }
        String docker = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" + D1 + "\",\"size\":10},"
                + "\"layers\":[" + layers + "]}";
        assertThatThrownBy(() -> parse(docker, MediaTypes.DOCKER_MANIFEST))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("128 layers");
    }
}
