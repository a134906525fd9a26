package dev.jkata.image.manifest;

/** An index entry's platform; this library runs {@link #LINUX_AMD64}. */
public record Platform(String os, String architecture, String variant) {
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

    public boolean matches(Platform wanted) {
        return os.equals(wanted.os) && architecture.equals(wanted.architecture)
                && (wanted.variant.isEmpty() || variant.equals(wanted.variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
