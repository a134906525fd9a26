package dev.jkata.guestimage.host;

import dev.jkata.api.MissingHostDependencyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the host tools the image builder runs, and says which Debian package provides each one when it is
 * missing. The fix command is the project's set-up script's own apt-get line.
 */
public enum HostTools {
    BUSYBOX("busybox", "busybox-static"),
    CRUN("crun", "crun"),
    MKFS_EXT4("mkfs.ext4", "e2fsprogs"),
    DEPMOD("depmod", "kmod"),
    APT_GET("apt-get", "apt"),
    APT_CACHE("apt-cache", "apt"),
    DPKG_DEB("dpkg-deb", "dpkg"),
    SETPRIV("setpriv", "util-linux"),
    NSENTER("nsenter", "util-linux"),
    IP("ip", "iproute2"),
    TC("tc", "iproute2");

    private static final String[] SEARCH = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};

    private final String binary;
    private final String debianPackage;

    HostTools(String binary, String debianPackage) {
        this.binary = binary;
        this.debianPackage = debianPackage;
    }

    public String binary() { return binary; }

    public String debianPackage() { return debianPackage; }

    /** The tool's path, or a {@link MissingHostDependencyException} naming the install command. */
    public Path require() {
        return find().orElseThrow(() -> new MissingHostDependencyException(
                binary + " (Debian package " + debianPackage + ")", installCommand(debianPackage)));
    }

    public Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":" + String.join(":", SEARCH)).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The apt-get line that installs a package, with sudo when not root. */
    public static String installCommand(String debianPackage) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return (root ? "" : "sudo ") + "apt-get install -y " + debianPackage
                + "   (or run scripts/setup-host.sh, which installs everything the host needs)";
    }
}
