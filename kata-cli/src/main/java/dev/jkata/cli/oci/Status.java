package dev.jkata.cli.oci;

/** A container's status as the OCI runtime spec names it. */
enum Status {
    CREATING, CREATED, RUNNING, STOPPED, PAUSED;

    String oci() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Status parse(String text) {
        return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
}
