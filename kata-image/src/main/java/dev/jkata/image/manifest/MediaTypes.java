package dev.jkata.image.manifest;

import java.util.List;

/** The manifest media types of the OCI image spec and Docker's v2 schema 2, and the ones refused. */
public final class MediaTypes {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /** What a manifest request accepts, best first. */
    public static final List<String> ACCEPTED = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private MediaTypes() {}

    static boolean isIndex(String type) {
        return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
    }

    static boolean isManifest(String type) {
        return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
    }

    static boolean isSchema1(String type) {
        return DOCKER_SCHEMA1.equals(type) || DOCKER_SCHEMA1_SIGNED.equals(type);
    }
}
